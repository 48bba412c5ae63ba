"""Writes of the contact log, shared by the phone form, the API and the demo seed (2011 §6.7)."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from peerline.accounts.models import User
from peerline.agencies.models import Agency
from peerline.governance.models import ConfidentialityException
from peerline.stats import periods

from .models import PRIOR_CONTACTS_FLOOR, Contact, PriorContacts, Referral

CLAUSE = "IACP Peer Support Guidelines 2011 §6.7"
MONTHS_BACK = 12  # the oldest month a contact may still be logged for
MAX_FOLLOW_UP_DAYS = 180

# Every field a caller may send; anything else is refused, never dropped (2011 §6.7).
FIELDS = frozenset(
    {
        "month",
        "activity",
        "recipient_group",
        "mode",
        "initiated_by",
        "duration",
        "referrals",
        "limits_explained",
        "exception",
        "role_conflict",
        "prior_contacts",
        "follow_up_days",
    }
)


class NotAllowedField(ValueError):
    """A caller sent a field the contact log does not have: refused, citing §6.7."""

    def __init__(self, names: list[str]):
        self.names = sorted(names)
        super().__init__(
            f"Not accepted: {', '.join(self.names)}. A contact record holds only non-identifying "
            f"statistics chosen from fixed lists: no names, numbers, notes or other free text ({CLAUSE})."
        )


def refuse_unknown_fields(data: dict[str, Any]) -> None:
    unknown = [name for name in data if name not in FIELDS]
    if unknown:
        raise NotAllowedField(unknown)


@dataclass(frozen=True)
class Guidance:
    """What the form shows the PSP at once after logging (2011 §6.3, §7.2, §7.3)."""

    exception_procedure: str | None
    role_conflict: bool
    referral_prompt: bool


def guidance_for(contact: Contact, agency: Agency) -> Guidance:
    return Guidance(
        exception_procedure=contact.exception.procedure if contact.exception else None,
        role_conflict=contact.role_conflict,
        referral_prompt=PRIOR_CONTACTS_FLOOR[PriorContacts(contact.prior_contacts)]
        >= agency.repeat_contact_threshold,
    )


def month_choices(agency: Agency) -> list[date]:
    """The months a contact may be logged for, newest first: this month and the 12 before it."""
    today = periods.local_today(agency)
    months, year, month = [], today.year, today.month
    for _ in range(MONTHS_BACK + 1):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _apply(contact: Contact, *, agency: Agency, data: dict[str, Any]) -> None:
    refuse_unknown_fields(data)
    month = data["month"]
    if isinstance(month, str):
        try:
            month = date.fromisoformat(f"{month}-01" if len(month) == 7 else month)
        except ValueError:
            raise ValidationError({"month": "Give the month as YYYY-MM."}) from None
    month = month.replace(day=1)
    if month not in month_choices(agency):
        raise ValidationError(
            {"month": f"Choose this month or one of the {MONTHS_BACK} before it."}
        )
    exception = data.get("exception")
    if exception is not None and not isinstance(exception, ConfidentialityException):
        exception = ConfidentialityException.objects.filter(agency=agency, pk=exception).first()
        if exception is None:
            raise ValidationError(
                {"exception": "Choose one of your agency's limits of confidentiality."}
            )
    referrals = set(data.get("referrals") or [])
    unknown = referrals - set(Referral.values)
    if unknown:
        raise ValidationError({"referrals": f"Unknown referral: {', '.join(sorted(unknown))}."})
    follow_up_days = data.get("follow_up_days")
    if follow_up_days is not None and not 1 <= int(follow_up_days) <= MAX_FOLLOW_UP_DAYS:
        raise ValidationError(
            {"follow_up_days": f"A follow-up is 1 to {MAX_FOLLOW_UP_DAYS} days away."}
        )

    contact.month = month
    contact.period = periods.reporting_period(agency, month)
    for name in (
        "activity",
        "recipient_group",
        "mode",
        "initiated_by",
        "duration",
        "prior_contacts",
    ):
        setattr(contact, name, data[name])
    contact.limits_explained = bool(data["limits_explained"])
    contact.role_conflict = bool(data["role_conflict"])
    contact.exception = exception
    for referral in Referral:
        setattr(contact, f"referral_{referral.value}", referral.value in referrals)
    if follow_up_days is not None:
        contact.follow_up_due = periods.local_today(agency) + timedelta(days=int(follow_up_days))
    contact.full_clean()


@transaction.atomic
def contact_log(*, agency: Agency, peer_supporter: User, data: dict[str, Any]) -> Contact:
    """Record one contact as non-identifying statistics (2011 §6.7).

    Refuses any field outside the fixed schema with `NotAllowedField`, and bad values with
    `ValidationError`; nothing is stored in either case.
    """
    # The same row lock as closing a period: a contact is never saved into a quarter as it closes.
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    contact = Contact(agency=agency, peer_supporter=peer_supporter)
    _apply(contact, agency=agency, data=data)
    contact.save()
    return contact


@transaction.atomic
def contact_correct(*, contact: Contact, data: dict[str, Any]) -> Contact:
    """Correct one's own contact while its reporting period is still open (2011 §6.7)."""
    Agency.objects.select_for_update().filter(pk=contact.agency_id).first()
    if periods.is_closed(contact.agency, contact.period):
        raise ValidationError("This contact is in a closed period; its report is final.")
    _apply(contact, agency=contact.agency, data=data)
    contact.save()
    return contact


def contact_follow_up_done(*, agency: Agency, peer_supporter: User, pk: int) -> bool:
    """Clear one's own follow-up reminder once seen; False when it is not one's own."""
    return bool(
        Contact.objects.filter(agency=agency, peer_supporter=peer_supporter, pk=pk).update(
            follow_up_due=None
        )
    )
