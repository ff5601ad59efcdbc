"""``python -m tools.domain_responses [--check]``: rewrite domain.yml's responses from the
wording catalogue, or (``--check``) exit 1 when the committed file is out of date."""

from __future__ import annotations

import argparse
import sys

from tools.domain_responses import DOMAIN_FILE, expected_domain


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.domain_responses", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only check that domain.yml is up to date")
    args = parser.parse_args(argv)
    fresh = expected_domain()
    if DOMAIN_FILE.read_text(encoding="utf-8") == fresh:
        print(f"{DOMAIN_FILE.name} is up to date")
        return 0
    if args.check:
        print(f"{DOMAIN_FILE.name} is out of date: run python -m tools.domain_responses", file=sys.stderr)
        return 1
    DOMAIN_FILE.write_text(fresh, encoding="utf-8")
    print(f"wrote {DOMAIN_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
