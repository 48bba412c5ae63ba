"""Writes about sign-in: matching a single sign-on identity to the roster, and second factors.

Single sign-on never creates a person: someone the roster does not list, or lists as separated,
is refused (issue 11 §2). Roles come from Peerline, except those an agency has explicitly handed
to identity provider groups (`SignInPolicy.group_roles`).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerline.accounts.models import Membership, Role, User
from peerline.agencies.models import Agency, Employee
from peerline.audit.services import record
from peerline.core import validation

from .selectors import policy_for

# What the refused page says for each reason; never the claims themselves.
REFUSALS = {
    "no_claim": "Your identity provider did not send an employee number or an e-mail address.",
    "not_on_roster": "You are not on your agency's roster in Peerline.",
    "ambiguous": "More than one person on the rosters matches you.",
    "separated": "The roster lists you as no longer with the agency.",
    "no_account": "You are on the roster but have no Peerline account yet.",
    "disabled": "Your Peerline account is disabled.",
    "provider": "Single sign-on did not complete.",
}
RECOVERY_CODES = 10


@dataclass
class SignInRefused(Exception):
    reason: str
    agency: Agency | None = None


def _claim(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name) if name else None
    return str(value).strip() if value not in (None, "") else ""


def match_employee(claims: Mapping[str, Any]) -> Employee:
    """The one roster employee the identity provider's claims name (by employee number when the
    claim carries one, else by e-mail); SignInRefused otherwise."""
    number = _claim(claims, settings.PEERLINE_OIDC_EMPLOYEE_CLAIM)
    email = _claim(claims, settings.PEERLINE_OIDC_EMAIL_CLAIM)
    employees = Employee.objects.select_related("agency", "user")
    if settings.PEERLINE_OIDC_AGENCY:
        employees = employees.filter(agency__code=settings.PEERLINE_OIDC_AGENCY)
    if number:
        found = list(employees.filter(employee_number=number)[:2])
    elif email:
        found = list(employees.filter(email__iexact=email)[:2])
    else:
        raise SignInRefused("no_claim")
    if not found:
        raise SignInRefused("not_on_roster")
    if len(found) > 1:
        raise SignInRefused("ambiguous")
    employee = found[0]
    if employee.separated_on is not None:
        raise SignInRefused("separated", employee.agency)
    return employee


def sso_sign_in(*, claims: Mapping[str, Any]) -> User:
    """The account of the roster employee named by `claims`, its roles brought in line with the
    agency's group mapping. A refusal is recorded (the reason only, never a claim) and raised."""
    try:
        employee = match_employee(claims)
        user = employee.user
        if user is None:
            raise SignInRefused("no_account", employee.agency)
        # An account made by the roster import waits, inactive, for its first sign-in; one that
        # has signed in before and is inactive was disabled, and stays so.
        if not user.is_active and user.last_login is not None:
            raise SignInRefused("disabled", employee.agency)
    except SignInRefused as refused:
        _record_refusal(refused)
        raise
    with transaction.atomic():
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        _sync_roles(user, employee.agency, claims)
    return user


def _record_refusal(refused: SignInRefused) -> None:
    record("sso.refused", agency=refused.agency, detail={"reason": refused.reason})


def _sync_roles(user: User, agency: Agency, claims: Mapping[str, Any]) -> None:
    """Every roster employee holds the employee role (2011 §1.1); the roles the agency mapped
    to groups follow the groups the provider asserts, and no other role is touched."""
    mapping = policy_for(agency).group_roles or {}
    managed = {Role(role) for role in mapping.values()}
    groups = claims.get(settings.PEERLINE_OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    asserted = {Role(role) for group, role in mapping.items() if group in groups}
    held = set(Membership.objects.filter(user=user, agency=agency).values_list("role", flat=True))
    wanted = (asserted | {Role.EMPLOYEE}) if Role.EMPLOYEE not in managed else asserted
    # Each grant and removal is recorded once, by the audit trail's Membership signals.
    for role in sorted(wanted - held):
        Membership.objects.create(user=user, agency=agency, role=role)
    for role in sorted((managed - asserted) & held):
        Membership.objects.filter(user=user, agency=agency, role=role).delete()


def _agency_of(user: User) -> Agency | None:
    employee = getattr(user, "employee", None)
    if employee is not None:
        return employee.agency
    membership = Membership.objects.filter(user=user).select_related("agency").first()
    return membership.agency if membership else None


@transaction.atomic
def totp_enrol(*, user: User, key: str, name: str, last_t: int) -> TOTPDevice:
    """Keep an authenticator app whose code the user just typed (step `last_t` is spent)."""
    device = TOTPDevice.objects.create(
        user=user,
        key=key,
        name=("" if validation.text_error(name) else name[:64]) or "Authenticator app",
        confirmed=True,
        last_t=last_t,
    )
    record("mfa.enrolled", by=user, agency=_agency_of(user), detail={"kind": "totp"})
    return device


def record_passkey_enrolled(*, user: User) -> None:
    record("mfa.enrolled", by=user, agency=_agency_of(user), detail={"kind": "passkey"})


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """A fresh list of single-use recovery codes; any older list stops working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    record("mfa.enrolled", by=user, agency=_agency_of(user), detail={"kind": "recovery codes"})
    return codes


@transaction.atomic
def device_remove(*, user: User, device: Any) -> None:
    """Remove one of the user's own devices. With the last app or passkey gone, the recovery
    codes go too: they are a way back to a factor, not a factor of their own."""
    kind = type(device).__name__
    device.delete()
    record("mfa.removed", by=user, agency=_agency_of(user), detail={"kind": kind})
    if not any(factors_of(user)):
        StaticDevice.objects.filter(user=user).delete()


def factors_of(user: User) -> Iterable[Any]:
    from django_otp_webauthn.models import WebAuthnCredential

    yield from TOTPDevice.objects.filter(user=user, confirmed=True)
    yield from WebAuthnCredential.objects.filter(user=user, confirmed=True)


def now_step() -> int:
    return int(timezone.now().timestamp()) // 30


class PolicyRefused(Exception):
    """A sign-in policy that would shut the agency out; the message says why."""


def policy_change(  # type: ignore[no-untyped-def]
    *, agency: Agency, by, local_passwords: bool, second_factor: str, group_roles: dict[str, str]
) -> bool:
    """Set the agency's sign-in policy (issue 11 §2, §3), recorded in the audit trail with the old
    and new value, in the same transaction. Returns False when nothing changed. Passwords cannot
    be switched off while single sign-on is not configured: nobody could sign in."""
    from .models import SignInPolicy

    if not local_passwords and not (
        settings.OIDC_RP_CLIENT_ID and settings.OIDC_OP_AUTHORIZATION_ENDPOINT
    ):
        raise PolicyRefused(
            "Single sign-on is not configured on this server: with Peerline passwords off, "
            "nobody could sign in."
        )
    with transaction.atomic():
        row, _ = SignInPolicy.objects.select_for_update().get_or_create(agency=agency)
        old = {
            "local_passwords": row.local_passwords,
            "second_factor": row.second_factor,
            "group_roles": dict(row.group_roles),
        }
        new = {
            "local_passwords": local_passwords,
            "second_factor": second_factor,
            "group_roles": dict(group_roles),
        }
        if old == new:
            return False
        row.local_passwords, row.second_factor, row.group_roles = (
            local_passwords,
            second_factor,
            new["group_roles"],
        )
        row.full_clean(exclude=["agency"])
        row.save()
        record(
            "signin.policy_changed",
            by=by,
            agency=agency,
            detail={"old": old, "new": new},
        )
    return True
