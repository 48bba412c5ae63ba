"""Time the PDFs made in the request on the kept 50,000-employee demo (issue 18: every page under
300 ms), and say where their time goes: the data, the template, and WeasyPrint's steps.

    .venv/bin/python bench/pdfs.py                  # each PDF: wall and CPU medians, queries, pages
    .venv/bin/python bench/pdfs.py --steps          # and WeasyPrint's steps (CPU ms, one load)
    .venv/bin/python bench/pdfs.py --loads 15 --pdf assessment:pdf

The database is `bench/pages.py`'s (`bench_pages` on PostgreSQL; build it with
`bench/pages.py --setup`). Each PDF is loaded through the test client as the role that would
open it, once to warm up and `--loads` times after; the wall time moves with whatever else runs
on the machine, the CPU time of this process (`time.process_time`) much less, so both are
printed, and the CPU time in Python's garbage collector. The steps are WeasyPrint's own
progress messages, timed in CPU: parsing the HTML and the CSS, applying the CSS, the boxes, the
layout of each page, drawing the PDF.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402  (bench/pages.py: the same database and settings)

# URL name → the demo role that opens it (the PDFs made in the request).
PDFS = {
    "assessment:pdf": "coordinator",
    "training:transcript-pdf": "coordinator",
    "training:my-transcript-pdf": "peer",
    "manual:pdf": "coordinator",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=9)
    parser.add_argument("--pdf", action="append", help="only this URL name (repeatable)")
    parser.add_argument("--steps", action="store_true", help="WeasyPrint's steps, CPU ms")
    parser.add_argument("--database", default=pages.NAME)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    options = parser.parse_args()
    pages.configure(
        argparse.Namespace(sqlite=False, database=options.database, postgres=options.postgres)
    )

    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from weasyprint.logger import PROGRESS_LOGGER

    from peerline.accounts.models import User
    from peerline.agencies.models import Agency
    from peerline.testing.pages import pages as page_urls
    from peerline.testing.second_factor import verified_force_login
    from peerline.web import demo

    marks: list[tuple[float, str]] = []

    class Steps(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            marks.append((time.process_time(), record.getMessage()))

    PROGRESS_LOGGER.addHandler(Steps())
    PROGRESS_LOGGER.setLevel(logging.INFO)
    PROGRESS_LOGGER.propagate = False
    collecting = {"began": 0.0, "ms": 0.0}

    def collector(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting["began"] = time.process_time()
        else:
            collecting["ms"] += (time.process_time() - collecting["began"]) * 1000

    gc.callbacks.append(collector)

    agency = Agency.objects.get(code=demo.DEMO_CODE)
    urls = page_urls(agency)
    clients: dict[str, Client] = {}
    print(
        f"{'wall ms':>8} {'cpu ms':>7} {'gc ms':>6} {'queries':>7} {'pages':>5} {'KB':>5}  pdf (role)"
    )
    for name, username in PDFS.items():
        if options.pdf and name not in options.pdf:
            continue
        url = urls.get(name) or reverse(name)
        if username not in clients:
            clients[username] = Client()
            verified_force_login(clients[username], User.objects.get(username=username))
        client = clients[username]
        queries: list[str] = []

        def count(execute, sql, params, many, context, into=queries):  # type: ignore[no-untyped-def]
            into.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        wall, cpu, collected = [], [], []
        for _ in range(options.loads):
            marks.clear()
            collecting["ms"] = 0.0
            began, began_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            wall.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
            collected.append(collecting["ms"])
        print(
            f"{statistics.median(wall):8.0f} {statistics.median(cpu):7.0f} "
            f"{statistics.median(collected):6.0f} {len(queries):7d} "
            f"{sum('Creating layout - Page' in m for _, m in marks):5d} "
            f"{len(response.content) / 1024:5.0f}  {name} ({username})"
        )
        if options.steps:
            began = time.process_time()
            marks.clear()
            client.get(url)
            ended = time.process_time()
            points = [began, *(t for t, _ in marks), ended]
            labels = ["before WeasyPrint: middleware, data, template", *(m for _, m in marks)]
            for label, (a, b) in zip(labels, itertools.pairwise(points), strict=True):
                print(f"{'':8} {(b - a) * 1000:7.0f}  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
