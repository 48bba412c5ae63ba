"""The failure throttle's minute, held still for a test (`peerline.accounts.throttle`)."""

import time
from types import SimpleNamespace

import pytest

from peerline.accounts import throttle


def one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count every failure of the test in one and the same clock minute: the throttle's window
    is the minute of the clock, and a minute turning between two requests started the count
    again (a test expecting its 429 got a 404 now and then)."""
    now = time.time()
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: now))
