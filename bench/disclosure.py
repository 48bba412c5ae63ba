"""Time `disclosure.protect` on a realistic release: about ten tables and a 12 x 5 grid.

    .venv/bin/python bench/disclosure.py [--runs 20]

Pure Python (no database). The tables are the ones `test_disclosure.py` checks for protection
(`realistic_tables`), so the figure and the test are about the same input. Prints the median,
fastest and slowest of `--runs` runs after one warm-up, and how many cells were suppressed.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from peerline.stats.disclosure import protect  # noqa: E402
from peerline.stats.tests.test_disclosure import realistic_tables  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--k", type=int, default=11)
    options = parser.parse_args()
    tables = realistic_tables()
    release = protect(tables, k=options.k)  # warm-up: imports, HiGHS
    times = []
    for _ in range(options.runs):
        started = time.perf_counter()
        protect(tables, k=options.k)
        times.append(time.perf_counter() - started)
    hidden = sum(row.suppressed for t in release.tables for row in t.rows)
    cells = sum(len(t.rows) for t in release.tables)
    print(
        f"protect, {cells} cells, k={options.k}: {hidden} suppressed; "
        f"median {statistics.median(times):.3f} s, fastest {min(times):.3f} s, "
        f"slowest {max(times):.3f} s ({options.runs} runs)"
    )


if __name__ == "__main__":
    main()
