"""Downloads of program data (CSV and PDF) are recorded: who took which export, when."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

from .services import record

PERIOD_PARAMETERS = frozenset({"period", "quarter"})
V = TypeVar("V", bound=Callable[..., HttpResponse])


def audited_export(name: str) -> Callable[[V], V]:
    """Decorate a download view (outside its permission check): a 200 answer writes an
    `export.downloaded` event naming the export and its URL arguments (ids and periods, never a
    query string: criteria travel by POST)."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                detail: dict[str, Any] = {"export": name}
                detail.update({key: str(value)[:40] for key, value in kwargs.items()})
                for key in PERIOD_PARAMETERS & request.GET.keys():  # fixed formats: 2026-Q3
                    detail[key] = request.GET[key][:20]
                record(
                    "export.downloaded",
                    by=request.user,
                    agency=getattr(request, "agency", None),
                    target=name,
                    detail=detail,
                )
            return response

        return wrapped  # type: ignore[return-value]

    return decorator
