"""How high the first answer bubble is on a phone (390 × 844), in headless Chromium.

Each question is asked in a new conversation of the widget (``web/dist`` served by
``web/serve.py``) talking to a running assistant; the height of the answer bubble is
compared with the height of the chat area (the visible part of the conversation). The
questions: the main questions of ``tests/e2e/test_answer_shape.py`` and the first turns
of the external sets (``../shared/eval``, read for their questions only).

    .venv/bin/python benchmarks/bench_phone_heights.py [--url http://127.0.0.1:5005] \
        [--dist web/dist] [--only main] [--json test-output/phone-heights.json]

Prints the chat area's height, how many bubbles fit it, the median and the largest.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_answer_shape import EXTERNAL, first_turns  # noqa: E402
from tests.e2e.test_answer_shape import QUESTIONS  # noqa: E402
from tests.web.conftest import (  # noqa: E402
    CHROMEDRIVER,
    CHROMIUM,
    CHROMIUM_FLAGS,
    ChatPage,
    load_serve_module,
    set_viewport,
)

PHONE = (390, 844)
ANSWER_TIMEOUT_S = 60.0

#: Height of the answer bubble, of the chat area, and whether the verdict line is on top.
MEASURE = """
const answers = document.querySelectorAll('#messages .msg--answer, #messages .msg--bot:not(.msg--intro)');
const bubble = answers[answers.length - 1];
const area = document.querySelector('#messages');
return {bubble: bubble.getBoundingClientRect().height, area: area.clientHeight};
"""


def open_browser(profile: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    set_viewport(driver, *PHONE, mobile=True)
    return driver


def first_bubble(chat: ChatPage, question: str) -> dict[str, float]:
    """Asks ``question`` in a new conversation; the first answer's and the area's heights."""
    chat.driver.get(chat.url)
    chat.driver.execute_script("localStorage.clear(); sessionStorage.clear();")
    chat.open()
    before = chat.ask(question)
    chat.wait_bot(before, ANSWER_TIMEOUT_S)
    chat.wait_idle(0.8)
    heights: dict[str, float] = chat.driver.execute_script(MEASURE)
    return heights


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--dist", type=Path, default=ROOT / "web" / "dist")
    parser.add_argument("--only", choices=("main", "external"), help="one group of questions")
    parser.add_argument("--json", type=Path, help="write every height to this file")
    parser.add_argument("--profile", type=Path, default=Path("/tmp/proa-phone-profile"))
    args = parser.parse_args(argv)

    groups = {
        "main": [q for _, q, _ in QUESTIONS],
        "external": [q for p in EXTERNAL if p.exists() for q in first_turns(p)],
    }
    if args.only:
        groups = {args.only: groups[args.only]}
    serve = load_serve_module()
    server = serve.make_server("127.0.0.1", 0, args.dist, args.url, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    driver = open_browser(args.profile)
    results: dict[str, list[dict[str, Any]]] = {}
    try:
        chat = ChatPage(driver, f"http://{host}:{port}/")
        for name, questions in groups.items():
            rows = results.setdefault(name, [])
            for question in questions:
                measured = first_bubble(chat, question)
                rows.append({"question": question, **measured})
            heights = [r["bubble"] for r in rows]
            area = rows[0]["area"] if rows else 0
            fit = sum(r["bubble"] <= r["area"] for r in rows)
            print(
                f"== {name}: {len(rows)} answers, chat area {area:.0f} px: {fit} fit it;"
                f" median {statistics.median(heights):.0f} px, max {max(heights):.0f} px"
            )
    finally:
        driver.quit()
        server.shutdown()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
