"""Reads about sign-in: which policy applies, and whether a user must show a second factor."""

from django_otp import user_has_device

from peerline.accounts import policy
from peerline.accounts.models import Membership, Role, User
from peerline.agencies.models import Agency

from .models import SecondFactorRule, SignInPolicy

# The roles that see program data (issue: CJIS Security Policy IA-2, OWASP ASVS level 2).
PRIVILEGED_ROLES = frozenset(
    {
        Role.COORDINATOR,
        Role.CLINICAL_ADVISOR,
        Role.COMMAND_STAFF,
        Role.STEERING_COMMITTEE,
        Role.SYSTEM_ADMIN,
    }
)


def policy_for(agency: Agency) -> SignInPolicy:
    """The agency's policy, or the defaults (unsaved) when it never changed them."""
    found = SignInPolicy.objects.filter(agency=agency).first()
    return found or SignInPolicy(agency=agency)


def _agency_ids(user: User) -> set[int]:
    ids = set(Membership.objects.filter(user=user).values_list("agency_id", flat=True))
    employee = getattr(user, "employee", None)
    if employee is not None:
        ids.add(employee.agency_id)
    return ids


def second_factor_required(user: User) -> bool:
    """True if any role of `user` sees program data, or any of their agencies asks everyone."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    if policy.holds_anywhere(user, *PRIVILEGED_ROLES):
        return True
    return SignInPolicy.objects.filter(
        agency_id__in=_agency_ids(user), second_factor=SecondFactorRule.EVERYONE
    ).exists()


def has_second_factor(user: User) -> bool:
    """A confirmed TOTP app, passkey or recovery code list."""
    return user_has_device(user, confirmed=True)


def local_password_allowed(user: User) -> bool:
    """False when any agency of the user signs in only through single sign-on."""
    return not SignInPolicy.objects.filter(
        agency_id__in=_agency_ids(user), local_passwords=False
    ).exists()
