"""Writes to accounts: log-ins for the roster, invitations, passwords, tokens, disabling.

Every change is recorded in the audit trail in its own transaction (who acted; never anything
about a person supported, 2011 §6.7). Sign-in success, failure and lockout are recorded by the
audit app from Django's and django-axes' signals.

A log-in made for an employee is inactive, with no usable password, until the person sets one
through an invitation's link. An employee the roster import separates loses their log-in at once
(CJIS AC-2: disabled, every session ended, every API token revoked) and every role but
"employee": if they come back, the roster import re-enables the link, and the person signs in
again through a new invitation, with program roles granted afresh by the coordinator.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce, Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from peerline.agencies.models import Agency, Employee
from peerline.audit.services import record
from peerline.core import bulk

from .invitations import invitation_tokens
from .models import ApiToken, Disabled, Membership, PendingInvitation, Role, User

log = logging.getLogger("peerline.accounts")

NOTICE_BEFORE = timedelta(days=7)  # the inactivity notice goes out a week before


def _target(user: User) -> str:
    return f"user:{user.pk}"


def _unusable() -> str:
    return make_password(None)


# -- The roster ---------------------------------------------------------------------------------


def roster_accounts_sync(
    *,
    agency: Agency,
    separated: Iterable[int] = (),
    reinstated: Iterable[int] = (),
    by: User | None = None,
) -> dict[str, int]:
    """After a roster import: link or make a log-in for every current employee with a work
    e-mail, disable the log-ins of those separated, and re-open the link of those reinstated.

    An employee is linked to an existing account whose e-mail matches theirs (case ignored) and
    that no other employee holds; otherwise a new, inactive account is made (user name: the
    e-mail). Each linked employee holds the employee role (2011 §1.1, §3.6). A fixed number of
    queries per call, whatever the roster's size.
    """
    counts = {"linked": 0, "created": 0, "disabled": 0, "reopened": 0}
    with transaction.atomic():
        counts["disabled"] = _disable_separated(agency=agency, employee_ids=separated, by=by)
        counts["reopened"] = _reopen_reinstated(agency=agency, employee_ids=reinstated, by=by)
        unlinked = list(
            Employee.objects.current()
            .filter(agency=agency, user__isnull=True)
            .exclude(email="")
            .only("pk", "email", "first_name", "last_name", "user_id")
        )
        if unlinked:
            counts.update(_link(agency=agency, employees=unlinked))
        _grant_employee_role(agency=agency)
        if counts["linked"] or counts["created"]:
            detail = {"linked": counts["linked"], "created": counts["created"]}
            record("accounts.linked", by=by, agency=agency, detail=detail)
    return counts


def _link(*, agency: Agency, employees: list[Employee]) -> dict[str, int]:
    emails = {employee.email.casefold() for employee in employees}
    taken = set(Employee.objects.filter(user__isnull=False).values_list("user_id", flat=True))
    existing: dict[str, User] = {}
    for user in User.objects.filter(email__iregex=r".").only("pk", "email", "username"):
        key = user.email.casefold()
        if key in emails and user.pk not in taken:
            existing.setdefault(key, user)
    usernames = {name.casefold() for name in User.objects.values_list("username", flat=True)}
    unusable = _unusable()  # one random unusable password for the batch: no hashing per row
    new_users: list[User] = []
    owner: dict[str, Employee] = {}
    linked = 0
    for employee in employees:
        key = employee.email.casefold()
        if key in owner:
            continue  # two employees share an address: the first gets it, HR fixes the other
        owner[key] = employee
        if key in existing:
            employee.user = existing.pop(key)
            linked += 1
            continue
        username = key if key not in usernames else f"{key}.{employee.pk}"
        usernames.add(username)
        new_users.append(
            User(
                username=username[:150],
                email=employee.email,
                first_name=employee.first_name[:150],
                last_name=employee.last_name[:150],
                is_active=False,
                password=unusable,
            )
        )
    User.objects.bulk_create(new_users, batch_size=1000)
    made = (
        {
            user.email.casefold(): user
            for user in User.objects.filter(username__in=[user.username for user in new_users])
        }
        if new_users
        else {}
    )
    changed = []
    for key, employee in owner.items():
        if employee.user_id is None and key in made:
            employee.user = made[key]
        if employee.user_id is not None:
            changed.append((employee.user_id, employee.pk))
    bulk.set_column(Employee, "user_id", changed)
    return {"linked": linked, "created": len(new_users)}


def _grant_employee_role(*, agency: Agency) -> None:
    holders = set(
        Membership.objects.filter(agency=agency, role=Role.EMPLOYEE).values_list(
            "user_id", flat=True
        )
    )
    missing = (
        Employee.objects.current()
        .filter(agency=agency, user__isnull=False)
        .exclude(user_id__in=holders)
        .values_list("user_id", flat=True)
    )
    Membership.objects.bulk_create(
        [Membership(user_id=pk, agency=agency, role=Role.EMPLOYEE) for pk in missing],
        batch_size=1000,
        ignore_conflicts=True,
    )


def _disable_separated(*, agency: Agency, employee_ids: Iterable[int], by: User | None) -> int:
    users = list(User.objects.filter(employee__pk__in=list(employee_ids), employee__agency=agency))
    for user in users:
        removed = sorted(
            Membership.objects.filter(user=user, agency=agency)
            .exclude(role=Role.EMPLOYEE)
            .values_list("role", flat=True)
        )
        account_disable(user=user, reason=Disabled.SEPARATED, by=by, agency=agency)
        Membership.objects.filter(user=user, agency=agency).exclude(role=Role.EMPLOYEE).delete()
        if removed:
            record(
                "roles.removed",
                by=by,
                agency=agency,
                target=_target(user),
                detail={"roles": removed, "why": "separated"},
            )
    return len(users)


def _reopen_reinstated(*, agency: Agency, employee_ids: Iterable[int], by: User | None) -> int:
    users = list(
        User.objects.filter(
            employee__pk__in=list(employee_ids),
            employee__agency=agency,
            disabled_reason=Disabled.SEPARATED,
        )
    )
    for user in users:
        # Still inactive with no password: a new invitation lets them in again.
        user.disabled_reason = ""
        user.invited_at = None
        user.save(update_fields=["disabled_reason", "invited_at"])
        record("account.reinstated", by=by, agency=agency, target=_target(user))
    return len(users)


def account_disable(
    *, user: User, reason: Disabled, by: User | None = None, agency: Agency | None = None
) -> None:
    """Stop an account signing in, now (CJIS AC-2): inactive, no password, tokens revoked.

    Replacing the password ends every session too: Django checks each session against a hash
    of the password on every request.
    """
    with transaction.atomic():
        user.is_active = False
        user.disabled_reason = reason
        user.password = _unusable()
        user.save(update_fields=["is_active", "disabled_reason", "password"])
        tokens = user.api_tokens.count()
        user.api_tokens.all().delete()
        record(
            "account.disabled",
            by=by,
            agency=agency,
            target=_target(user),
            detail={"reason": str(reason), "tokens_revoked": tokens},
        )


# -- Invitations --------------------------------------------------------------------------------


def may_be_invited(user: User) -> bool:
    """Anyone with an e-mail address who has not left the agency (a separated employee's old
    link stays shut until the roster lists them again)."""
    if not user.email or user.disabled_reason == Disabled.SEPARATED:
        return False
    employee = getattr(user, "employee", None)
    return employee is None or employee.separated_on is None


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:invitation", args=[uid, invitation_tokens.make_token(user)])
    return settings.BASE_URL.rstrip("/") + path


def invitations_send(*, users: Iterable[User], agency: Agency, by: User | None) -> int:
    """Ask for an invitation for each person who may be invited: a single-use link, valid
    `PEERLINE_INVITATION_DAYS`, to set a password. Nothing is sent in the request: the rows go
    to the worker's queue (`PendingInvitation`) and `invitations_deliver` sends them. Who asked is
    recorded now, in the same transaction. Returns how many were asked for."""
    now = timezone.now()
    invited = [user for user in users if may_be_invited(user)]
    if not invited:
        return 0
    with transaction.atomic():
        User.objects.filter(pk__in=[user.pk for user in invited]).update(invited_at=now)
        for user in invited:
            PendingInvitation.objects.update_or_create(
                user=user, defaults={"agency": agency, "requested_at": now, "attempts": 0}
            )
            record("invitation.sent", by=by, agency=agency, target=_target(user))
    return len(invited)


INVITATION_ATTEMPTS = 8  # about four minutes of the worker's 30-second job, then given up


def invitations_deliver(now: datetime, *, limit: int = 200) -> int:
    """The worker's job: e-mail the pending invitations over one SMTP connection, each with a
    link made now. A person who may no longer be invited (separated, signed in meanwhile) gets
    nothing. A failure leaves the rows for the next run; after `INVITATION_ATTEMPTS` they are
    dropped (the coordinator's page shows who has not signed in, to invite again)."""
    pending = list(PendingInvitation.objects.select_related("user__employee", "agency")[:limit])
    if not pending:
        return 0
    messages, sent = [], []
    for row in pending:
        user = row.user
        if not may_be_invited(user):
            row.delete()
            continue
        context = {
            "user": user,
            "agency": row.agency,
            "link": invitation_link(user),
            "days": settings.PEERLINE_INVITATION_DAYS,
        }
        messages.append(
            mail.EmailMessage(
                subject=f"Your Peerline account at {row.agency.name}",
                body=render_to_string("accounts/email/invitation.txt", context),
                to=[user.email],
            )
        )
        sent.append(row.pk)
    if not messages:
        return 0
    try:
        mail.get_connection().send_messages(messages)
    except Exception as error:  # noqa: BLE001 (any mail failure: retried on the next run)
        PendingInvitation.objects.filter(pk__in=sent).update(attempts=F("attempts") + 1)
        PendingInvitation.objects.filter(attempts__gte=INVITATION_ATTEMPTS).delete()
        log.warning("%s invitation(s) not sent (%s); retried", len(sent), type(error).__name__)
        return 0
    PendingInvitation.objects.filter(pk__in=sent).delete()
    return len(sent)


def person_invite(
    *,
    agency: Agency,
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
    by: User,
) -> User:
    """Invite someone the roster does not list (a clinician, 2011 §3.4, §5.1): an account
    with that e-mail is found or made, given `role` in the agency, and sent an invitation."""
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            username = email.casefold()
            if User.objects.filter(username__iexact=username).exists():
                username = f"{username}.{User.objects.count() + 1}"
            user = User.objects.create(
                username=username,
                email=email,
                first_name=first_name,
                last_name=last_name,
                is_active=False,
                password=_unusable(),
            )
        _, created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
        if created:
            record(
                "roles.granted",
                by=by,
                agency=agency,
                target=_target(user),
                detail={"roles": [str(role)]},
            )
        invitations_send(users=[user], agency=agency, by=by)
    return user


def invitation_accept(*, user: User) -> None:
    """The person set their password through the link: the account is open. Setting the
    password already made the link useless (its token hashes the password)."""
    with transaction.atomic():
        user.is_active = True
        user.disabled_reason = ""
        user.inactivity_notice_at = None
        user.save(update_fields=["is_active", "disabled_reason", "inactivity_notice_at"])
        record("invitation.accepted", by=user, target=_target(user))


# -- Passwords and tokens -----------------------------------------------------------------------


def password_changed(*, user: User, how: str) -> None:
    """After a password change ("changed") or a reset by e-mail ("reset"): the new password
    already ended every other session; API tokens are revoked too (a stolen password may have
    made one)."""
    with transaction.atomic():
        tokens = user.api_tokens.count()
        user.api_tokens.all().delete()
        record(f"password.{how}", by=user, target=_target(user), detail={"tokens_revoked": tokens})


def token_create(*, user: User, name: str, days: int | None = None) -> str:
    """A new API token for `user`, returned once (only its keyed hash is kept)."""
    with transaction.atomic():
        key = ApiToken.issue(user, name=name, days=days)
        record("token.created", by=user, target=_target(user), detail={"name": name})
    return key


def token_revoke(*, token: ApiToken, by: User) -> None:
    with transaction.atomic():
        record("token.revoked", by=by, target=_target(token.user), detail={"name": token.name})
        token.delete()


def unlock(*, username: str, by: User, agency: Agency | None) -> int:
    """Lift a lockout (django-axes) before its 15 minutes are up."""
    from axes.utils import reset

    with transaction.atomic():
        lifted = reset(username=username.casefold())
        record("lockout.lifted", by=by, agency=agency, target=f"username:{username.casefold()}")
    return int(lifted or 0)


# -- Inactivity (CJIS AC-2(3)) ------------------------------------------------------------------


def _last_active() -> Greatest:
    signed_in = Coalesce("last_login", "invited_at", "date_joined")
    return Greatest(signed_in, Coalesce(Max("api_tokens__last_used_at"), signed_in))


def inactive_accounts_disable(now: datetime) -> dict[str, int]:
    """Disable accounts unused for `PEERLINE_INACTIVE_DAYS` (signed in or used a token), and
    e-mail a notice to those a week from it. Idempotent: a notice goes once per quiet spell."""
    limit = timedelta(days=settings.PEERLINE_INACTIVE_DAYS)
    active = User.objects.filter(is_active=True).annotate(last_active=_last_active())
    disabled = 0
    for user in active.filter(last_active__lt=now - limit):
        account_disable(user=user, reason=Disabled.INACTIVE)
        disabled += 1
    due = active.filter(
        last_active__lt=now - limit + NOTICE_BEFORE, last_active__gte=now - limit
    ).filter(Q(inactivity_notice_at__isnull=True) | Q(inactivity_notice_at__lt=F("last_active")))
    messages = []
    noticed = []
    for user in due.exclude(email=""):
        on = user.last_active + limit  # type: ignore[attr-defined]
        context = {"user": user, "on": on, "base_url": settings.BASE_URL}
        messages.append(
            mail.EmailMessage(
                subject="Your Peerline account will be disabled soon",
                body=render_to_string("accounts/email/inactivity_notice.txt", context),
                to=[user.email],
            )
        )
        noticed.append(user.pk)
    if messages:
        mail.get_connection().send_messages(messages)
        User.objects.filter(pk__in=noticed).update(inactivity_notice_at=now)
    return {"disabled": disabled, "noticed": len(noticed)}
