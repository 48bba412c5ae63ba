"""The steering committee's writes (2011 §3.2): members, decisions, program settings; and
clinical oversight (2011 §3.4, §3.9). Each writes an audit event in its transaction."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.agencies.models import Agency, GuidelineEdition
from peerline.audit.services import record
from peerline.governance import editions

from .models import (
    AdvisorScope,
    CommitteeDecision,
    Meeting,
    SettingChange,
    SteeringCommitteeMember,
)

C, S = Role.COORDINATOR, Role.STEERING_COMMITTEE
# Who may change what (2011 §3.2: the committee gives the program its structure; §3.9: the
# coordinator runs it). Anything not listed here is not changed on this page.
WHO_MAY: dict[str, frozenset[Role]] = {
    "guideline_edition": frozenset({S}),
    "training_hours_per_quarter": frozenset({S}),  # §8.1: the committee identifies training
    "employees_per_psp": frozenset({S}),
    "min_service_months": frozenset({S}),
    "activation_roles": frozenset({S}),
    "incident_retention_days": frozenset({S}),
    "serves_families": frozenset({S}),  # 2011 §1.1, §2.3.7: whom the program reaches
    "serves_retirees": frozenset({S}),
    "repeat_contact_threshold": frozenset({S, C}),
    "page_timeout_minutes": frozenset({S, C}),
}


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)


def setting_change(*, agency: Agency, by, roles: frozenset[Role], setting: str, value: Any) -> bool:  # type: ignore[no-untyped-def]
    """Change one program setting if one of `roles` may; record the old and new value.
    Returns False when the value did not change."""
    allowed = WHO_MAY.get(setting)
    if allowed is None or not roles & allowed:
        raise ValidationError({setting: "Your role does not change this setting."})
    old = getattr(agency, setting)
    if _text(old) == _text(value):
        return False
    with transaction.atomic():
        setattr(agency, setting, value)
        try:
            agency.full_clean()
        except ValidationError:
            setattr(agency, setting, old)
            raise
        agency.save(update_fields=[setting])
        SettingChange.objects.create(
            agency=agency, setting=setting, old=_text(old)[:200], new=_text(value)[:200],
            by=by, at=timezone.now(),
        )  # fmt: skip
        record("settings.changed", by=by, agency=agency, target=setting,
               detail={"old": _text(old), "new": _text(value)})  # fmt: skip
    return True


def edition_choose(*, agency: Agency, by, roles: frozenset[Role], edition: str) -> bool:  # type: ignore[no-untyped-def]
    """The committee chooses the edition the program follows; it decides the rules (see
    `governance.editions`). A change of edition sets the training hours per quarter to the new
    edition's figure (2011 §8.2: four); 2006 names none and keeps the agency's own. The
    committee may change the hours afterwards; both changes are recorded."""
    if edition not in GuidelineEdition.values:
        raise ValidationError({"guideline_edition": "Choose 2011 or 2006."})
    with transaction.atomic():
        changed = setting_change(
            agency=agency, by=by, roles=roles, setting="guideline_edition", value=edition
        )
        hours = editions.edition_rules(edition).training_hours_per_quarter
        if changed and hours is not None:
            setting_change(
                agency=agency, by=by, roles=roles, setting="training_hours_per_quarter",
                value=hours,
            )  # fmt: skip
    return changed


def member_add(*, agency: Agency, by, name: str, seat: str, since: date,  # type: ignore[no-untyped-def]
               licence_state: str = "", user=None) -> SteeringCommitteeMember:  # fmt: skip
    with transaction.atomic():
        member = SteeringCommitteeMember(
            agency=agency, name=name.strip(), seat=seat, since=since,
            licence_state=licence_state.strip().upper(), user=user,
        )  # fmt: skip
        member.full_clean()
        member.save()
        record("committee.member_added", by=by, agency=agency, target=member.get_seat_display())
    return member


def member_end(*, member: SteeringCommitteeMember, by, on: date) -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        member.until = on
        member.save(update_fields=["until"])
        record("committee.member_ended", by=by, agency=member.agency,
               target=member.get_seat_display())  # fmt: skip


def decision_record(*, agency: Agency, by, decided_on: date, subject: str,  # type: ignore[no-untyped-def]
                    decision: str) -> CommitteeDecision:  # fmt: skip
    """A program-level decision (never about a person supported)."""
    with transaction.atomic():
        row = CommitteeDecision(
            agency=agency, decided_on=decided_on, subject=subject.strip(),
            decision=decision.strip(), recorded_by=by, recorded_at=timezone.now(),
        )  # fmt: skip
        row.full_clean()
        row.save()
        record("committee.decision", by=by, agency=agency, target=row.subject)
    return row


def scope_write(*, agency: Agency, by, text: str) -> AdvisorScope:  # type: ignore[no-untyped-def]
    """A new version of the advisor's role and scope; both sides accept it afresh (2011 §3.4)."""
    if not text.strip():
        raise ValidationError({"text": "Write the advisor's agreed role and scope."})
    with transaction.atomic():
        last = AdvisorScope.objects.filter(agency=agency).aggregate(n=Max("version"))["n"] or 0
        scope = AdvisorScope.objects.create(
            agency=agency, version=last + 1, text=text.strip(), written_at=timezone.now(),
            written_by=by,
        )  # fmt: skip
        record("oversight.scope_written", by=by, agency=agency, target=f"v{scope.version}")
    return scope


def scope_accept(*, scope: AdvisorScope, by, roles: frozenset[Role]) -> None:  # type: ignore[no-untyped-def]
    """The coordinator accepts for the agency, the clinical advisor for themselves."""
    now = timezone.now()
    with transaction.atomic():
        if Role.CLINICAL_ADVISOR in roles and scope.advisor_accepted_at is None:
            scope.advisor_accepted_by, scope.advisor_accepted_at = by, now
        elif Role.COORDINATOR in roles and scope.agency_accepted_at is None:
            scope.agency_accepted_by, scope.agency_accepted_at = by, now
        else:
            raise ValidationError("Nothing for you to accept on this version.")
        scope.save()
        record("oversight.scope_accepted", by=by, agency=scope.agency, target=f"v{scope.version}")


def meeting_record(*, agency: Agency, by, held_on: date, kind: str, attendance: int) -> Meeting:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        meeting = Meeting(agency=agency, held_on=held_on, kind=kind, attendance=attendance,
                          recorded_by=by)  # fmt: skip
        meeting.full_clean()
        meeting.save()
        record("oversight.meeting", by=by, agency=agency, target=meeting.kind)
    return meeting
