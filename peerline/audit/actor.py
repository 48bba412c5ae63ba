"""Who is acting now, for events written from model signals (a role granted in the admin, a
setting changed): the signed-in user of the request being served, or the system."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_actor: ContextVar[Any] = ContextVar("peerline_audit_actor", default=None)


def current_actor() -> Any:
    """The user acting in this request or `acting_as` block; None means the system."""
    actor = _actor.get()
    if isinstance(actor, HttpRequest):  # resolved late: the user is loaded lazily
        user = getattr(actor, "user", None)
        return user if user is not None and user.is_authenticated else None
    return actor


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Name who acts for the events written inside the block (a command, a test)."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


class ActorMiddleware:
    """Make the request's user the actor of events written while it is served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _actor.set(request)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)
