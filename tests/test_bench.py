"""The benchmark runs (speed itself is measured by bench/run.py, never asserted in tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_the_quick_benchmark_runs_every_measurement(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    text = out.read_text(encoding="utf-8")
    measurements = (
        *("baseline", "floor", "cold", "no-op", "reworded fact", "added fact", "fresh clone"),
        *("watch: save to deck", "sync, fresh collection", "sync, one edit", "--version"),
        "cold, latest format",
    )
    for measurement in measurements:
        assert f"| 200 | {measurement} |" in text
    assert "**" not in text  # no no-op rewrote the deck, no incremental build differed
