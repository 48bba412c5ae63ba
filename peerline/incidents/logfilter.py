"""Keep one-tap tokens out of the logs (2011 §6.7). No model import: logging is configured before
the apps are loaded."""

import logging
import re

_TOKEN_IN_PATH = re.compile(r"(/page/)[^/\s?\"']+")


class RedactTokens(logging.Filter):
    """A logging filter: `/page/<token>/` becomes `/page/…/` in every record it sees. Django's
    loggers name the path of a refused request (`django.security.csrf`: "Forbidden (CSRF cookie
    not set.): /page/…/", `django.request`: "Not Found: …"), and a token there would be a live
    link in the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _TOKEN_IN_PATH.sub(r"\1…", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
