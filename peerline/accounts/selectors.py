"""Reads about accounts, for the coordinator's "Sign-in" page and a person's own tokens."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from peerline.agencies.models import Agency

from .models import ApiToken, Disabled, User

STATES = {
    "waiting": "Not signed in yet",
    "signed_in": "Signed in",
    "disabled": "Disabled",
}


def people(*, agency: Agency, state: str = "", division_id: int | None = None) -> QuerySet[User]:
    """The agency's people with a log-in, with their employee row if any, by name."""
    found = (
        User.objects.filter(memberships__agency=agency)
        .distinct()
        .select_related("employee__division")
        .order_by("last_name", "first_name", "pk")
    )
    if division_id is not None:
        found = found.filter(employee__division_id=division_id)
    if state == "waiting":
        found = found.filter(
            Q(last_login__isnull=True) | Q(disabled_reason=Disabled.INACTIVE)
        ).exclude(disabled_reason=Disabled.SEPARATED)
    elif state == "signed_in":
        found = found.filter(last_login__isnull=False, is_active=True)
    elif state == "disabled":
        found = found.filter(is_active=False).exclude(disabled_reason="")
    return found


def counts(*, agency: Agency) -> dict[str, int]:
    found = {key: people(agency=agency, state=key).count() for key in STATES}
    found["invitable"] = invitable(agency=agency).count()
    return found


def invitable(*, agency: Agency) -> QuerySet[User]:
    """The agency's people who have never signed in (or were disabled for inactivity) and can
    be sent an invitation: an e-mail address, and not separated."""
    return people(agency=agency, state="waiting").exclude(email="").order_by()


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these user names django-axes holds locked now."""
    from axes.models import AccessAttempt
    from django.conf import settings

    folded = {name.casefold(): name for name in usernames}
    locked = AccessAttempt.objects.filter(
        username__in=list(folded),
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    ).values_list("username", flat=True)
    return {folded[name] for name in locked}


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def live(token: ApiToken) -> bool:
    return token.expires_at > timezone.now()
