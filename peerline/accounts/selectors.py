"""Reads about accounts, for the coordinator's "Sign-in" page and a person's own tokens."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from peerline.agencies.models import Agency

from .models import ApiToken, Disabled, Membership, User

STATES = {
    "waiting": "Not signed in yet",
    "signed_in": "Signed in",
    "disabled": "Disabled",
}


# Each state as one condition, so the page's filter and its counts (one aggregate) agree.
_STATE_CONDITIONS = {
    "waiting": (Q(last_login__isnull=True) | Q(disabled_reason=Disabled.INACTIVE))
    & ~Q(disabled_reason=Disabled.SEPARATED),
    "signed_in": Q(last_login__isnull=False, is_active=True),
    "disabled": Q(is_active=False) & ~Q(disabled_reason=""),
}
_INVITABLE = _STATE_CONDITIONS["waiting"] & ~Q(email="")


def _of_agency(agency: Agency) -> QuerySet[User]:
    # EXISTS rather than a join and DISTINCT: someone with two roles is one row, and the page
    # walks the name index (accounts_user_name_idx) instead of sorting every account.
    return User.objects.filter(
        Exists(Membership.objects.filter(user=OuterRef("pk"), agency=agency))
    )


def people(*, agency: Agency, state: str = "", division_id: int | None = None) -> QuerySet[User]:
    """The agency's people with a log-in, with their employee row if any, by name."""
    found = (
        _of_agency(agency)
        .select_related("employee__division")
        .order_by("last_name", "first_name", "pk")
    )
    if division_id is not None:
        found = found.filter(employee__division_id=division_id)
    if state in _STATE_CONDITIONS:
        found = found.filter(_STATE_CONDITIONS[state])
    return found


def counts(*, agency: Agency) -> dict[str, int]:
    """How many people in each state, everyone and the invitable: one query."""
    conditions = {**_STATE_CONDITIONS, "invitable": _INVITABLE}
    return _of_agency(agency).aggregate(
        everyone=Count("pk"), **{key: Count("pk", filter=q) for key, q in conditions.items()}
    )


def invitable(*, agency: Agency) -> QuerySet[User]:
    """The agency's people who have never signed in (or were disabled for inactivity) and can
    be sent an invitation: an e-mail address, and not separated."""
    return _of_agency(agency).filter(_INVITABLE)


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
