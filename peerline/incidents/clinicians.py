"""The clinician(s) for an incident (2011 §5.1; 2006 Administration 3): whoever is on call now,
else an active clinical advisor, marked "not on call"."""

from dataclasses import dataclass
from datetime import datetime

from peerline.clinical.models import ClinicalRole, MentalHealthProfessional
from peerline.clinical.selectors import on_call_now
from peerline.governance import editions

from .models import ROLE_WORDS, CriticalIncident, DeploymentRole, IncidentType


@dataclass(frozen=True)
class ClinicianChoice:
    clinician_id: int
    name: str
    on_call: bool
    role: str  # DeploymentRole

    @property
    def role_label(self) -> str:
        return ROLE_WORDS[self.role]


def clinicians_for(*, incident: CriticalIncident, now: datetime) -> list[ClinicianChoice]:
    """The MHP(s) on call now (2011 §5.1); else one active clinical advisor, "not on call".
    For an OIS in a 2006 agency the first one holds the individual intervention (2006
    Administration 3)."""
    found = [(mhp, True) for mhp in on_call_now(agency=incident.agency, at=now)]
    if not found:
        fallback = (
            MentalHealthProfessional.objects.filter(
                agency=incident.agency, active=True, role=ClinicalRole.CLINICAL_ADVISOR
            )
            .order_by("name", "pk")
            .first()
        )
        if fallback is not None:
            found = [(fallback, False)]
    # 2006 Administration 3, only where the agency's edition says so (2011 §3.3 has no such rule).
    ois = (
        incident.type == IncidentType.OFFICER_INVOLVED_SHOOTING
        and editions.rules(incident.agency).shooting_rule
    )
    return [
        ClinicianChoice(
            clinician_id=mhp.pk,
            name=mhp.name,
            on_call=on_call,
            role=(
                DeploymentRole.INDIVIDUAL_INTERVENTION
                if ois and i == 0
                else DeploymentRole.CLINICAL_CONSULTATION
            ),
        )
        for i, (mhp, on_call) in enumerate(found)
    ]
