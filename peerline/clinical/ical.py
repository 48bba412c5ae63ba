"""Each clinician's on-call shifts as an iCalendar feed at a signed public URL (2011 §5.1).

Calendar apps cannot log in, so the URL itself is the key: a timestamped signature over the
clinician's id, made with Peerline's token key (`peerline.accounts.keys`) rather than
SECRET_KEY, so rotating the secret key leaves subscriptions working. A link expires after
`PEERLINE_ICAL_DAYS` (the clinician's page shows a fresh one) and stops at once when the
clinician is made inactive. The feed holds the shifts' times and the agency's name, nothing else.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from icalendar import Calendar, Event

from peerline.accounts import keys

from .models import MentalHealthProfessional

SALT = "peerline.clinical.ical"
PAST = timedelta(days=90)  # shifts that ended longer ago than this are left out


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(key=keys.token_key().decode(), salt=SALT)


def token_for(clinician: MentalHealthProfessional) -> str:
    return _signer().sign(str(clinician.pk))


def clinician_for(token: str) -> MentalHealthProfessional | None:
    """The active clinician the token was made for; None for a tampered or expired token."""
    try:
        max_age = timedelta(days=settings.PEERLINE_ICAL_DAYS)
        pk = int(_signer().unsign(token, max_age=max_age))
    except (signing.BadSignature, ValueError):
        return None
    return (
        MentalHealthProfessional.objects.filter(pk=pk, active=True).select_related("agency").first()
    )


def feed(clinician: MentalHealthProfessional, *, now: datetime) -> bytes:
    """One VEVENT per shift: a stable UID, start and end in UTC, "On call — <agency>"."""
    host = urlsplit(settings.BASE_URL).hostname or "peerline"
    summary = f"On call — {clinician.agency.name}"
    calendar = Calendar()
    calendar.add("prodid", "-//Peerline//On-call schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", summary)
    shifts = clinician.on_call_shifts.filter(ends_at__gt=now - PAST).order_by("starts_at", "pk")
    stamp = now.astimezone(UTC)
    for shift in shifts:
        event = Event()
        event.add("uid", f"oncall-{shift.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", shift.starts_at.astimezone(UTC))
        event.add("dtend", shift.ends_at.astimezone(UTC))
        event.add("summary", summary)
        calendar.add_component(event)
    return calendar.to_ical()
