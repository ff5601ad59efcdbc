"""The ``bot review`` benchmark's generator writes conversations the review reads."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from benchmarks.bench_review import generate
from bot.review import review


def test_generated_store_is_reviewed(tmp_path):
    path = tmp_path / "trackers.db"
    assert generate(path, 200) > 200 * 10
    now = datetime.now(timezone.utc)
    result = review(str(path), now - timedelta(days=30), now)
    assert 0 < result.messages < result.turns
    assert all("@" not in group.text for group in result.groups)
