"""The worker checks the chain every hour and logs its head.

The log line is an anchor kept outside the database: someone able to rewrite the table could
remove the newest rows, or rebuild every hash after an edit, and the chain alone would still
hold; the last head logged (`peerline audit verify --head SEQ:HASH`) shows it.
"""

import logging
from datetime import datetime, timedelta

from peerline.core.jobs import periodic

from .services import check

log = logging.getLogger("peerline.audit")


@periodic("audit.verify", every=timedelta(hours=1))
def verify_and_log_head(now: datetime) -> None:
    result = check()
    if result.ok:
        log.info("audit trail holds; head %s:%s", result.head_seq, result.head_hash)
    else:
        log.error("%s", result.describe())
