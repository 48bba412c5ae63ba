"""Time the audit trail: `record()` one event at a time, and `verify()` over a long chain.

    .venv/bin/python bench/audit_verify.py [--rows 100000]

The database is the one `bench/seed_demo.py` uses (SQLite in `var/bench/`, or a throw-away
database on the `DATABASE_URL` server). `--rows` rows are written in bulk with their chain (as
`record` would write them), 1,000 more through `record`, then `verify` walks them all three times,
as `peerline audit verify` and the `/audit/` page do. On SQLite the rows are removed afterwards
(the oldest first, which the table's trigger allows).
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed_demo import setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    options = parser.parse_args()
    server = setup_django()

    from django.db import connection
    from django.utils import timezone

    from peerline.audit.chain import GENESIS, row_hash
    from peerline.audit.models import AuditEvent
    from peerline.audit.services import record, verify

    where = connection.settings_dict["NAME"]
    try:
        if AuditEvent.objects.exists():
            sys.exit("The bench database already has audit events: remove var/bench first.")
        start, prev, batch = timezone.now(), GENESIS, []
        for seq in range(1, options.rows + 1):
            fields = {
                "seq": seq,
                "prev_hash": prev,
                "at": start + timedelta(microseconds=seq),
                "agency_id": 1 + seq % 3,
                "actor_id": seq % 50,
                "actor_label": f"user-{seq % 50}",
                "action": "settings.changed",
                "target": "agency:1",
                "detail": {"suppression_k": {"old": 11, "new": 12}},
            }
            prev = row_hash(**fields)
            batch.append(AuditEvent(**fields, hash=prev))
            if len(batch) == 5_000:
                AuditEvent.objects.bulk_create(batch)
                batch = []
        AuditEvent.objects.bulk_create(batch)
        appends = []
        for _ in range(1_000):
            started = time.perf_counter()
            record("settings.changed", agency=1, target="agency:1", detail={"k": 1})
            appends.append(time.perf_counter() - started)
        print(f"{connection.vendor} ({where}), {AuditEvent.objects.count():,} rows")
        print(
            f"  record(): mean {statistics.fmean(appends) * 1e3:.2f} ms, "
            f"median {statistics.median(appends) * 1e3:.2f} ms, max {max(appends) * 1e3:.2f} ms"
        )
        for _ in range(3):
            started = time.perf_counter()
            result = verify()
            print(
                f"  verify(): {time.perf_counter() - started:.2f} s, {result.checked:,} rows hold"
            )
    finally:
        if server:
            connection.creation.destroy_test_db(where, verbosity=0)
        else:
            AuditEvent.objects.all().delete()


if __name__ == "__main__":
    main()
