"""The benchmark suite runs (issue 18): `bench/suite.py` on a tiny SQLite agency, without the
surge, writes every figure its report quotes. No figure is checked against a goal here: speed is
the suite's to report, never a test's."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_bench_suite_runs_on_a_tiny_agency(tmp_path):
    out = tmp_path / "bench.json"
    run = subprocess.run(  # noqa: S603
        [
            sys.executable, str(ROOT / "bench" / "suite.py"), "--quick", "--backends", "sqlite",
            "--no-surge", "--employees", "150", "--rounds", "2", "--batch", "2",
            "--contacts", "300", "--active", "10", "--candidates", "10", "--roles", "peer_supporter",
            "--json", str(out),
        ],
        capture_output=True, text=True, timeout=900, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    figures = json.loads(out.read_text())["sqlite"]
    assert set(figures) >= {"seed", "contact", "stats", "proposal", "recruitment", "pages"}
    assert len(figures["contact"]["ratio"]) == 2 and len(figures["stats"]["ratio"]) == 2
    assert figures["contact"]["floor_queries"] < figures["contact"]["product_queries"]
    assert figures["stats"]["contacts"] == 300
    assert figures["proposal"]["eligible"] > 0
    # A PSP's own pages, and none that is not theirs (the sweep loads what the role may open).
    assert {"contacts:log", "directory:index"} <= set(figures["pages"]["pages"])
    assert "roster" not in figures["pages"]["pages"]
    for line in (
        "contact POST / floor",
        "quarterly statistics / raw SQL",
        "recruitment plan",
        "every page of every role",
    ):
        assert line in run.stdout
