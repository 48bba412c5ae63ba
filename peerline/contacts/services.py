"""Writes of the contact log, shared by the phone form, the API and the demo seed (2011 §6.7).

A new contact is checked by one function, `_checked`, whether it comes alone (`contact_log`, the
form and the API) or by the hundred (`contact_log_many`, the demo seed's year of contacts).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from peerline.accounts.models import User
from peerline.agencies import clock, periods
from peerline.agencies.models import Agency
from peerline.core import offlist
from peerline.governance.models import ConfidentialityException

from .models import (
    PRIOR_CONTACTS_FLOOR,
    Contact,
    FollowUpReminder,
    PriorContacts,
    RecipientGroup,
    Referral,
    ReminderKind,
)

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
        "family_follow_ups",
    }
)
# A family's follow-ups after an employee's injury or death (2011 §2.3.1, §2.3.7): a week, a
# month, three and six months, and the year's anniversary.
FAMILY_FOLLOW_UP_DAYS = (7, 30, 91, 182, 365)


# The links a contact has, each set by the service from a row it read itself.
LINKS = ["agency", "peer_supporter", "exception"]


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


def recipient_groups(agency: Agency, *, keep: str = "") -> list[RecipientGroup]:
    """Whom a contact may be with: the groups the agency's program serves (2011 §1.1, §2.3.7:
    the agency decides whether it reaches employees' families and its retirees). `keep` is a
    contact's own group when it is corrected, still offered after the agency stopped serving
    it, so the contact's other answers can be corrected. The form and the API share this."""
    not_served = {
        RecipientGroup.FAMILY: not agency.serves_families,
        RecipientGroup.RETIREE: not agency.serves_retirees,
    }
    return [group for group in RecipientGroup if not not_served.get(group) or group == keep]


NOT_SERVED = {
    RecipientGroup.FAMILY: "Your agency's program does not serve employees' families",
    RecipientGroup.RETIREE: "Your agency's program does not serve retirees",
}


def month_choices(agency: Agency, today: date | None = None) -> list[date]:
    """The months a contact may be logged for, newest first: this month and the 12 before it.
    `today` is the agency's own unless given (the demo seeds as of a day of its own)."""
    return offlist.recent_months(today or clock.local_today(agency), MONTHS_BACK)


def due_week(agency: Agency, days: int, today: date | None = None) -> date:
    """The Monday of the week `days` from today: a reminder is due in a week, never on a day."""
    day = (today or clock.local_today(agency)) + timedelta(days=days)
    return day - timedelta(days=day.weekday())


def _month(agency: Agency, data: dict[str, Any], today: date | None = None) -> date:
    """The month of `data`, after refusing any off-list field (2011 §6.7)."""
    offlist.refuse(data, FIELDS, "contact record")
    return offlist.parse_month(data.get("month"), month_choices(agency, today))


def _apply(
    contact: Contact,
    *,
    agency: Agency,
    data: dict[str, Any],
    month: date,
    closed: bool | None = None,
    today: date | None = None,
) -> date | None:
    """Set the contact's answers from `data`; the week a follow-up reminder is due, if asked.
    `closed`: whether the month's own quarter is closed, when the caller read it already."""
    exception = data.get("exception")
    if isinstance(exception, ConfidentialityException) and exception.agency_id != agency.pk:
        exception = exception.pk  # another agency's: looked up in this one, so refused below
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
    group = data.get("recipient_group")
    if group in NOT_SERVED and group not in recipient_groups(agency, keep=contact.recipient_group):
        raise ValidationError(
            {
                "recipient_group": f"{NOT_SERVED[RecipientGroup(group)]} (2011 §1.1, §2.3.7); "
                "the steering committee decides whom it serves."
            }
        )
    follow_up_days = data.get("follow_up_days")
    if follow_up_days is not None and not 1 <= int(follow_up_days) <= MAX_FOLLOW_UP_DAYS:
        raise ValidationError(
            {"follow_up_days": f"A follow-up is 1 to {MAX_FOLLOW_UP_DAYS} days away."}
        )

    contact.month = month
    contact.period = periods.reporting_period(agency, month, closed=closed, today=today)
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
    if data.get("family_follow_ups") and data["recipient_group"] != RecipientGroup.FAMILY:
        raise ValidationError(
            {"family_follow_ups": "A family's follow-ups are for a contact with a family member."}
        )
    # Every value against its field's choices and pattern. Not the links: the agency, the PSP
    # and the exception were each read scoped to this agency above, and the database checks
    # them again on INSERT (as it checks the period's pattern); asking again is three queries.
    contact.full_clean(exclude=LINKS, validate_constraints=False)
    return None if follow_up_days is None else due_week(agency, int(follow_up_days), today)


def _reminders(
    *,
    agency: Agency,
    peer_supporter: User,
    data: dict[str, Any],
    week: date | None,
    today: date | None = None,
) -> list[FollowUpReminder]:
    """The PSP's own reminders a contact asks for, unsaved: the follow-up's week, if any, and a
    family's follow-ups over the year (2011 §2.3.1, §2.3.7). Weeks only, tied to no contact,
    naming nobody."""
    reminders = []
    if week is not None:
        reminders.append(
            FollowUpReminder(agency=agency, peer_supporter=peer_supporter, due_week=week)
        )
    if data.get("family_follow_ups"):
        reminders += [
            FollowUpReminder(agency=agency, peer_supporter=peer_supporter,
                             kind=ReminderKind.FAMILY, due_week=due_week(agency, days, today))
            for days in FAMILY_FOLLOW_UP_DAYS
        ]  # fmt: skip
    return reminders


def _checked(
    *,
    agency: Agency,
    peer_supporter: User,
    data: dict[str, Any],
    month: date,
    closed: bool,
    today: date | None,
) -> tuple[Contact, list[FollowUpReminder]]:
    """A new contact of `month` from `data`, checked by every rule, and the reminders it asks
    for; nothing saved. The one check of a new contact, alone or in bulk (2011 §6.7)."""
    contact = Contact(agency=agency, peer_supporter=peer_supporter)
    week = _apply(contact, agency=agency, data=data, month=month, closed=closed, today=today)
    reminders = _reminders(
        agency=agency, peer_supporter=peer_supporter, data=data, week=week, today=today
    )
    return contact, reminders


@transaction.atomic
def contact_log(
    *, agency: Agency, peer_supporter: User, data: dict[str, Any], today: date | None = None
) -> Contact:
    """Record one contact as non-identifying statistics (2011 §6.7).

    Refuses any field outside the fixed schema with `offlist.OffListField`, and bad values with
    `ValidationError`; nothing is stored in either case. `today` is the agency's own unless
    given: the month offered, the quarter a closed quarter's contact counts in, and the weeks of
    its reminders all count from it.
    """
    month = _month(agency, data, today)
    # Checked as if its quarter were open (either quarter is a valid period): where it counts is
    # decided by the INSERT, under the lock (`_insert`).
    contact, reminders = _checked(
        agency=agency,
        peer_supporter=peer_supporter,
        data=data,
        month=month,
        closed=False,
        today=today,
    )
    _insert(contact, agency=agency, today=today)
    FollowUpReminder.objects.bulk_create(reminders)
    return contact


def _insert(contact: Contact, *, agency: Agency, today: date | None) -> None:
    """Save a new, checked contact into its own quarter, or today's if its own is closed
    (2011 §3.1: a closed report never changes), never into a quarter as it closes.

    First the agency's row lock, the one closing a period takes (`stats.releases`); then the
    INSERT, which reads whether the quarter is closed in its own statement: a statement after
    the lock's, so it sees a close that committed while this waited (in one statement with the
    lock, PostgreSQL would answer from the snapshot taken before the wait). The open quarter
    it falls back to is read after the wait too: the wait may have crossed the agency's
    midnight into a new quarter, and the one that ended may be the one just closed. SQLite has
    no row lock: the transaction's write lock (BEGIN IMMEDIATE) orders it after any close.
    Written out once per database (`_INSERT_SQL`): the ORM's INSERT and lock queries cost
    more to compile than to run (issue 18)."""
    connection = connections[router.db_for_write(Contact)]
    own = contact.period
    if not connection.features.can_return_columns_from_insert:  # SQLite before 3.35
        Agency.objects.select_for_update().filter(pk=agency.pk).first()
        if periods.is_closed(agency, own):
            contact.period = periods.quarter_of(today or clock.local_today(agency))
        contact.save()
        return
    sql, fields = _insert_sql(connection)
    with connection.cursor() as cursor:
        if connection.features.has_select_for_update:
            cursor.execute(_lock_sql(connection), [agency.pk])
        # Today's quarter as of after the wait on the lock: a quarter that ended and closed
        # while this waited is not the open one any more (2011 §3.1).
        open_period = periods.quarter_of(today or clock.local_today(agency))
        params: list[Any] = []
        for field in fields:
            if field.attname == "period":
                params += [agency.pk, own, open_period, own]
            else:
                params.append(field.get_db_prep_save(getattr(contact, field.attname), connection))
        cursor.execute(sql, params)
        contact.pk, contact.period = cursor.fetchone()
    contact._state.adding = False
    contact._state.db = connection.alias


_INSERT_SQL: dict[str, tuple[str, list[Any]]] = {}


def _lock_sql(connection: BaseDatabaseWrapper) -> str:
    quote = connection.ops.quote_name
    table, pk = quote(Agency._meta.db_table), quote(Agency._meta.pk.column)
    return f"SELECT 1 FROM {table} WHERE {pk} = %s {connection.ops.for_update_sql()}"  # noqa: S608


def _insert_sql(connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
    """The INSERT of a contact, every column but the id, its period chosen by the statement:
    the own quarter unless the agency closed it, then the open one. Answers the id and period."""
    found = _INSERT_SQL.get(connection.vendor)
    if found is None:
        quote = connection.ops.quote_name
        closed = apps.get_model("stats", "ClosedPeriod")._meta
        fields = [f for f in Contact._meta.local_concrete_fields if f is not Contact._meta.pk]
        # Names from the models, values as parameters.
        values = [
            f"CASE WHEN EXISTS (SELECT 1 FROM {quote(closed.db_table)} "  # noqa: S608
            f"WHERE {quote(closed.get_field('agency').column)} = %s "
            f"AND {quote(closed.get_field('period').column)} = %s) THEN %s ELSE %s END"
            if field.attname == "period"
            else "%s"
            for field in fields
        ]
        sql = (
            f"INSERT INTO {quote(Contact._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(field.column) for field in fields)}) "
            f"VALUES ({', '.join(values)}) "
            f"RETURNING {quote(Contact._meta.pk.column)}, "
            f"{quote(Contact._meta.get_field('period').column)}"
        )
        found = _INSERT_SQL[connection.vendor] = (sql, fields)
    return found


@transaction.atomic
def contact_log_many(
    *,
    agency: Agency,
    rows: Iterable[tuple[User, dict[str, Any]]],
    today: date | None = None,
) -> list[Contact]:
    """Record many contacts at once, each `(peer supporter, data)` as `contact_log` records one
    (2011 §6.7): every row passes the same `_checked`, then all are written with one
    `bulk_create` (the demo seed's year of contacts).

    All or nothing: the first refused row raises what `contact_log` would raise for it (with a
    note naming the row) and nothing is stored.
    """
    # The lock `contact_log` takes, once, then the closed quarters in one read.
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    closed = set(periods.closed(agency).values_list("period", flat=True))
    contacts, reminders = [], []
    for index, (peer_supporter, data) in enumerate(rows):
        try:
            month = _month(agency, data, today)
            contact, asked = _checked(
                agency=agency,
                peer_supporter=peer_supporter,
                data=data,
                month=month,
                closed=periods.quarter_of(month) in closed,
                today=today,
            )
        except (offlist.OffListField, ValidationError) as refusal:
            refusal.add_note(f"Contact {index + 1} of the batch; nothing was stored.")
            raise
        contacts.append(contact)
        reminders += asked
    Contact.objects.bulk_create(contacts, batch_size=500)
    FollowUpReminder.objects.bulk_create(reminders, batch_size=500)
    return contacts


@transaction.atomic
def contact_correct(*, contact: Contact, data: dict[str, Any]) -> Contact:
    """Correct one's own contact while its reporting period is still open (2011 §6.7)."""
    Agency.objects.select_for_update().filter(pk=contact.agency_id).first()
    if periods.is_closed(contact.agency, contact.period):
        raise ValidationError("This contact is in a closed period; its report is final.")
    week = _apply(contact, agency=contact.agency, data=data, month=_month(contact.agency, data))
    contact.save()
    FollowUpReminder.objects.bulk_create(
        _reminders(
            agency=contact.agency, peer_supporter=contact.peer_supporter, data=data, week=week
        )
    )
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, by: User) -> None:
    """Delete one's own contact logged by mistake, while its period is open (2011 §6.7).

    It then counts nowhere: not in the program's figures, not in any report released later. A
    closed period's contacts stay, since its report is frozen and must add up.
    """
    Agency.objects.select_for_update().filter(pk=contact.agency_id).first()
    if contact.peer_supporter_id != by.pk:
        raise PermissionError("only the peer supporter who logged a contact may delete it")
    if periods.is_closed(contact.agency, contact.period):
        raise ValidationError("This contact is in a closed period; its report is final.")
    contact.delete()


def reminder_done(*, agency: Agency, peer_supporter: User, pk: int) -> bool:
    """Delete one's own follow-up reminder once done; False when it is not one's own."""
    deleted, _ = FollowUpReminder.objects.filter(
        agency=agency, peer_supporter=peer_supporter, pk=pk
    ).delete()
    return bool(deleted)


def reminders_expire(*, agency: Agency, today: date | None = None) -> int:
    """Delete the agency's reminders whose week has passed: a reminder is kept no longer than it
    is useful (2011 §6.7). Run by the scheduled job; returns how many went."""
    today = today or clock.local_today(agency)
    this_week = today - timedelta(days=today.weekday())
    deleted, _ = FollowUpReminder.objects.filter(agency=agency, due_week__lt=this_week).delete()
    return deleted
