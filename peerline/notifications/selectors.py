"""Reads for the channels page: who the agency pages, and how (2011 §3.3, §3.9, §5.1)."""

from __future__ import annotations

from dataclasses import dataclass, field

from peerline.accounts import policy
from peerline.accounts.models import Role, User
from peerline.agencies.models import Agency
from peerline.clinical.models import MentalHealthProfessional
from peerline.notifications.models import ContactChannel, Notification
from peerline.team.models import PeerSupporter, Status

# PSPs who may be paged now or once back from leave.
PAGEABLE = (Status.ACTIVE, Status.ON_LEAVE)


@dataclass
class Person:
    """Someone the agency pages: a PSP, a clinician with a log-in, or a coordinator."""

    user: User
    name: str
    roles: list[str] = field(default_factory=list)
    channels: list[ContactChannel] = field(default_factory=list)
    # Channels another agency configured for the same person (a regional team, §3.8.2).
    elsewhere: int = 0

    @property
    def enabled(self) -> list[ContactChannel]:
        return [c for c in self.channels if c.enabled]

    @property
    def fallback_email(self) -> str:
        """Where pages go when the person has no enabled channel at all."""
        return "" if self.enabled or self.elsewhere else self.user.email

    @property
    def reachable(self) -> bool:
        """A page can reach them: a channel here or elsewhere, or their account's e-mail."""
        return bool(self.enabled or self.elsewhere or self.user.email)


def _people_index(agency: Agency) -> dict[int, Person]:
    people: dict[int, Person] = {}

    def add(user: User, name: str, role: str) -> None:
        person = people.setdefault(user.pk, Person(user=user, name=name))
        if role not in person.roles:
            person.roles.append(role)

    psps = PeerSupporter.objects.filter(
        agency=agency, status__in=PAGEABLE, employee__user__isnull=False
    ).select_related("employee__user")
    for psp in psps:
        user = psp.employee.user
        assert user is not None
        add(user, psp.employee.full_name, "Peer supporter")
    clinicians = MentalHealthProfessional.objects.filter(
        agency=agency, active=True, user__isnull=False
    ).select_related("user")
    for clinician in clinicians:
        assert clinician.user is not None
        add(clinician.user, clinician.name, "Clinician")
    for user in policy.holders(agency, Role.COORDINATOR).order_by("pk"):
        name = user.get_full_name() or user.username
        add(user, name, "Coordinator")
    return people


def people(*, agency: Agency) -> list[Person]:
    """Everyone the agency pages, by name, with this agency's channels for each."""
    index = _people_index(agency)
    _attach_channels(agency, index)
    return sorted(index.values(), key=lambda p: (p.name.lower(), p.user.pk))


def person(*, agency: Agency, user_id: int) -> Person | None:
    """One person the agency pages, or None (not theirs: the view answers 404)."""
    found = _people_index(agency).get(user_id)
    if found is not None:
        _attach_channels(agency, {user_id: found})
    return found


def _attach_channels(agency: Agency, index: dict[int, Person]) -> None:
    channels = ContactChannel.objects.filter(user_id__in=list(index)).order_by("pk")
    for channel in channels:
        owner = index[channel.user_id]
        if channel.agency_id == agency.pk:
            owner.channels.append(channel)
        elif channel.enabled:
            owner.elsewhere += 1


def last_tests(*, agency: Agency, user_id: int) -> dict[str, Notification]:
    """The latest test page of each of a person's channels ("channel-<pk>" or "email")."""
    latest: dict[str, Notification] = {}
    rows = Notification.objects.filter(
        agency=agency, key__startswith=f"test:user-{user_id}:"
    ).order_by("pk")
    for row in rows:
        latest[row.key.rsplit(":", 1)[-1]] = row
    return latest
