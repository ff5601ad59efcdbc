"""The review page (``/revue`` of web/serve.py, issue 22) in headless Chromium: a person
logs in with the token, reads the counts per day and the groups, filters them, and logs
out; the session cookie is out of the page's scripts' reach, and markup stored in a
message stays text."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.bot.test_review import NOW, _conversations

pytestmark = pytest.mark.browser

TOKEN = "revue-navigateur-" + "0123456789abcdef"
HOSTILE = '<img src="x" onerror="window.__pwned = 1"> je suis astronaute & co'


@pytest.fixture
def review_url(serve_module: ModuleType, tmp_path: Path) -> Iterator[str]:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text('<!doctype html><html lang="fr"></html>', encoding="utf-8")
    store = _conversations()
    store.user("mallory", NOW - 600, HOSTILE, "nlu_fallback", 0.1)
    store.write(f"sqlite:///{tmp_path / 'trackers.db'}")
    access = serve_module.review_access(TOKEN, db_url=str(tmp_path / "trackers.db"))
    server = serve_module.make_server("127.0.0.1", 0, dist, quiet=True, review=access)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/revue"
    server.shutdown()
    server.server_close()


def _rows(driver: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    return [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#groups td.message")]


def test_log_in_read_filter_and_log_out(browser: Any, review_url: str, output_dir: Path) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    # A wait that reads the page while it is replaced by the next one.
    wait = WebDriverWait(browser, 15, ignored_exceptions=(StaleElementReferenceException,))
    browser.get(review_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Revue des questions"
    assert browser.find_element(By.CSS_SELECTOR, "label[for=token]").text == "Jeton d'accès"
    assert browser.find_elements(By.ID, "groups") == []

    browser.find_element(By.ID, "token").send_keys("mauvais-jeton-0123456789")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(ready.text_to_be_present_in_element((By.CSS_SELECTOR, ".error"), "incorrect"))

    browser.find_element(By.ID, "token").send_keys(TOKEN)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(ready.presence_of_element_located((By.ID, "groups")))
    rows = _rows(browser)
    assert "je suis astronaute, puis-je faire une pro-a ?" in rows
    assert "écrivez-moi à [e-mail] ou au [téléphone]" in rows
    assert HOSTILE.replace("1", "#") in rows  # shown as text (its digit masked)
    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.execute_script("return document.cookie") == ""  # HttpOnly
    comments = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#groups td.comments li")]
    assert "la durée pour un CDD, écrivez à [e-mail]" in comments
    days = browser.find_elements(By.CSS_SELECTOR, "#per-day tbody tr")
    assert len(days) >= 1 and browser.find_element(By.ID, "summary").text.startswith("9 message(s) à revoir")
    browser.save_screenshot(str(output_dir / "review-page.png"))

    # Only the refused jobs.
    browser.find_element(By.CSS_SELECTOR, "input[name=outcome][value=refused]").click()
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    wait.until(lambda driver: _rows(driver) == ["je suis astronaute, puis-je faire une pro-a ?"])
    assert "outcome=refused" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, "input[name=outcome][value=refused]").is_selected()

    browser.find_element(By.XPATH, "//button[normalize-space()='Se déconnecter']").click()
    wait.until(ready.presence_of_element_located((By.ID, "token")))
    browser.get(review_url)
    assert browser.find_elements(By.ID, "groups") == [] and browser.find_elements(By.ID, "token")
