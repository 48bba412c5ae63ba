"""The demo's second factors: each demo log-in whose role sees program data gets an
authenticator app with one fixed, published secret, so anyone trying the demo can sign in
(README "Single sign-on and two factors"). Demo agencies only."""

import base64
import time

from django.db import transaction
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from peerline.accounts.models import Membership, User
from peerline.agencies.models import Agency

from .selectors import second_factor_required_many
from .services import totp_enrol

# Published on purpose: it protects nothing but demo data. Type it into an authenticator app
# ("enter a key manually", time-based), or run `peerline demo-code USERNAME`.
DEMO_TOTP_SECRET = "PEERLINEDEMOONLYNOTASECRETATALL2"  # noqa: S105
DEMO_AGENCY_CODES = frozenset({"DEMO", "DEMO-SO"})


def key_hex(secret_base32: str) -> str:
    """An authenticator app's base32 secret as the hex key django-otp stores."""
    padded = secret_base32.replace(" ", "").upper()
    padded += "=" * (-len(padded) % 8)
    return base64.b32decode(padded).hex()


def code_at(secret_base32: str, step: int) -> str:
    """The six-digit code at 30-second step `step` (a TOTP code is the HOTP code of the step)."""
    return f"{hotp(bytes.fromhex(key_hex(secret_base32)), step):06d}"


def current_code(secret_base32: str) -> str:
    return code_at(secret_base32, int(time.time()) // 30)


@transaction.atomic
def seed_second_factors(*, agency: Agency) -> list[str]:
    """Give the demo agency's users who need a second factor the demo app; their usernames."""
    if agency.code not in DEMO_AGENCY_CODES:
        raise ValueError("only demo agencies get the published demo secret")
    # Active accounts only: `second_factor_required` is False for any other, and the roster's
    # log-ins nobody was invited to yet (inactive) are tens of thousands at 50,000 employees.
    users = list(
        User.objects.filter(
            pk__in=Membership.objects.filter(agency=agency).values("user_id"), is_active=True
        ).order_by("pk")
    )
    required = second_factor_required_many(users)
    given = []
    for user in users:
        if user.pk in required:
            TOTPDevice.objects.filter(user=user).delete()
            # Through the enrolment service, so each app is in the audit trail like any other;
            # step 0 spent: every current code of the published secret still works.
            totp_enrol(user=user, key=key_hex(DEMO_TOTP_SECRET), name="Demo app", last_t=0)
            given.append(user.username)
    return given


def demo_user(username: str) -> User:
    """The user `username` if every agency they belong to is a demo agency; ValueError else."""
    user = User.objects.filter(username=username).first()
    codes = set(
        Membership.objects.filter(user=user).values_list("agency__code", flat=True)
    ) if user else set()  # fmt: skip
    if user is None or not codes or not codes <= DEMO_AGENCY_CODES:
        raise ValueError(f"{username} is not a demo log-in")
    return user
