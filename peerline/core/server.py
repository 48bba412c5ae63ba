"""The production server: gunicorn running Peerline's WSGI application (`peerline serve`).

Access logs name the request without what could identify anyone or open anything: the query
string is dropped, and the secret path segments — a page's one-tap token (`/page/<token>/…`) and
an iCal feed's key — are replaced by `<redacted>` (DESIGN: nothing outlives its purpose, and a
log line is a copy).
"""

from __future__ import annotations

import gc
import re
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

# The segment after these prefixes is a bearer secret (a page's one-tap token, a calendar feed
# key, the agency's access code and a request's reference, an invitation or reset link). The
# test walks the URL conf for every `<token>`/`<key>` parameter and checks it is hidden.
# An invitation or password-reset link carries the account and a single-use token after its
# prefix: both go.
SECRET_PREFIXES = re.compile(
    r"^(/page/|/clinical/calendar/|/reach/answer/|/reach/a/)[^/]+"
    r"|^(/accounts/(?:reset|invitation)/)(?!sent/)[^/]+/(?!set-password/)[^/]+"
)
# An anonymous request's reference, under the access code (`/reach/a/<code>/request/<ref>/`).
REQUEST_REF = re.compile(r"^(/reach/a/<redacted>/request/)[^/]+")
# Any other long token-like segment is hidden too (no dot: hashed static names stay readable).
TOKEN_LIKE = re.compile(r"(?<=/)[A-Za-z0-9_:=-]{24,}(?=/|$)")


def redact_path(path: str) -> str:
    """The request path fit for a log: no query string, no token, no feed key."""
    path = path.split("?", 1)[0]
    path = SECRET_PREFIXES.sub(lambda m: (m.group(1) or m.group(2)) + "<redacted>", path)
    path = REQUEST_REF.sub(r"\1<redacted>", path)
    return TOKEN_LIKE.sub("<redacted>", path)


class RedactingLogger(Logger):
    """gunicorn's logger with the request line, URL and query stripped of secrets."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD", "-")
        protocol = environ.get("SERVER_PROTOCOL", "-")
        atoms["r"] = f"{method} {path} {protocol}"
        atoms["U"] = path
        atoms["q"] = ""
        # Nothing that could tell who asked: address, referrer and user agent are left out.
        atoms["f"] = "-"
        atoms["a"] = "-"
        atoms["h"] = "-"
        return atoms


# No remote address and no user agent: a request is logged by its shape and status only.
ACCESS_LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'


class PeerlineServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from django.urls import get_resolver

        from peerline.wsgi import application

        _views = get_resolver().url_patterns  # every view module imported before the fork
        # What is loaded now lives as long as the process: kept out of every later collection's
        # walk (and its pages shared with the workers, not copied on write). Python's docs: gc.freeze.
        gc.freeze()
        return application


def serve(
    *,
    bind: str,
    workers: int,
    threads: int,
    keepalive: int = 75,
    max_requests: int = 0,
    timeout: int = 60,
) -> None:
    PeerlineServer(
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread" if threads > 1 else "sync",
            "timeout": timeout,
            "keepalive": keepalive,
            "graceful_timeout": 30,
            "accesslog": "-",
            "errorlog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "logger_class": RedactingLogger,
            # Workers start from the loaded application (faster, less memory per worker).
            "preload_app": True,
            # A worker replaced after this many requests (0: never) bounds a slow leak.
            "max_requests": max_requests,
            "max_requests_jitter": max_requests // 10,
            "forwarded_allow_ips": "127.0.0.1,::1",
            # No control socket: nothing administers the server but its service manager.
            "control_socket_disable": True,
        }
    ).run()
