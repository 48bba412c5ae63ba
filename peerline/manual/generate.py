"""The manual's generated sections, read from the agency's live settings and records (2011 §3.5).

Each section names the clause it serves in the agency's own edition. Nothing here names a person
supported; the only names are the program's own roles and partner agencies.
"""

from datetime import date
from decimal import Decimal

from peerline.accounts.models import Role
from peerline.agencies.models import Agency
from peerline.committee.models import Seat
from peerline.committee.selectors import agreed_scope, current_members
from peerline.governance import editions, jurisdictions
from peerline.governance.selectors import active_limits
from peerline.partners.selectors import agreements_of
from peerline.team.models import DeselectionCriterion

from .models import ManualSection

ROLE_DUTIES = {
    Role.EMPLOYEE: "chooses a peer supporter by any criteria (§3.6) and is told the limits of "
    "confidentiality at the outset (§6.2).",
    Role.PEER_SUPPORTER: "supports colleagues, refers to licensed professionals, keeps only "
    "non-identifying statistics (§2.1, §6.7).",
    Role.COORDINATOR: "coordinates activation, referrals, utilization data, training and "
    "meetings (§3.9).",
    Role.CLINICAL_ADVISOR: "gives clinical oversight and consultation (§3.4, §5.1).",
    Role.COMMAND_STAFF: "receives only anonymous statistics on utilization (§3.1).",
    Role.STEERING_COMMITTEE: "gives the program guidance and structure, identifies training "
    "(§3.2, §8.1).",
}


def _section(title: str, clause: str, lines: list[str]) -> dict[str, str]:
    return {"title": title, "clause": clause, "body": "\n".join(lines)}


def sections(agency: Agency, today: date) -> list[dict[str, str]]:
    cite = lambda c11, c06: editions.cite(agency, c11, c06)  # noqa: E731
    rules = editions.rules(agency)
    law = jurisdictions.for_state(agency.state)
    activation = ["Program coordinator"] + [
        Role(r).label for r in agency.activation_roles if r in Role and r != Role.COMMAND_STAFF
    ]
    scope = agreed_scope(agency)
    partners = [row for row in agreements_of(agency, today) if not row.ended]
    members = list(current_members(agency, today))
    out = [
        _section(
            "Mission",
            cite("1.1", "Philosophy"),
            [
                f"{agency.name} gives every employee, sworn and civilian, the opportunity to receive "
                "emotional and tangible peer support through times of personal or professional crisis.",
                f"This program follows the {agency.get_guideline_edition_display()}.",
            ],
        ),
        _section(
            "Roles",
            cite("3.9", "Administration 9"),
            [f"{Role(role).label}: {duty}" for role, duty in ROLE_DUTIES.items()],
        ),
        _section(
            "Selection and deselection",
            cite("4.1–§4.3", "Selection/Deselection 1–3"),
            [
                "Peer supporters are volunteers in good standing with at least "
                f"{agency.min_service_months} months of service, recommended by superiors or peers, "
                "and may be interviewed by peer supporters and the licensed mental health professional.",
                "Deselection criteria: " + "; ".join(c.label for c in DeselectionCriterion) + ".",
            ],
        ),
        _section(
            "Limits of confidentiality and their procedures",
            rules.limits_clause,
            [
                *(f"{limit.label}: {limit.procedure}" for limit in active_limits(agency)),
                f"The law: {law.summary} {jurisdictions.COUNSEL}",
                f"Investigations and discipline ({rules.caution_clause}): {rules.caution}",
            ],
        ),
        _section(
            "Activation after a critical incident",
            cite("3.3", "Administration 3"),
            [
                "Who may activate the team: " + ", ".join(activation) + ".",
                f"A page not answered within {agency.page_timeout_minutes} minutes goes to the next "
                "candidates. Peer supporters involved, in an involved unit or in the chain of command "
                "of someone involved are never sent.",
                *(
                    [
                        "After an officer-involved shooting, the confidential individual intervention is "
                        "done by a licensed mental health professional (2006 Administration 3)."
                    ]
                    if rules.shooting_rule
                    else []
                ),
            ],
        ),  # fmt: skip
        _section(
            "Training requirement",
            cite("8.1–§8.3", "Training 1–3"),
            [
                f"Each peer supporter completes {Decimal(agency.training_hours_per_quarter).normalize():f} hours of update "
                "training per quarter, scheduled by the coordinator; the steering committee "
                "identifies the training. Failure to attend is a deselection criterion.",
            ],
        ),
        _section(
            "Clinical oversight",
            cite("3.4, §5.1", "Administration 4"),
            [
                scope.text
                if scope
                else "The clinical advisor's role and scope are not yet agreed.",
            ],
        ),
        _section(
            "Record keeping",
            cite("6.7", "Confidentiality 6"),
            [
                "Peer supporters keep no records of supportive contacts other than non-identifying "
                "statistics. Management sees only counts of at least "
                f"{agency.suppression_k}. Who was involved in a critical incident is erased "
                f"{agency.incident_retention_days} days after it closes.",
            ],
        ),
        _section(
            "Interagency agreements",
            cite("3.8.2", "Administration 8.2"),
            [
                *(
                    f"{row.other.name}: {row.state}; we share: {', '.join(row.we_give) or 'nothing'}; "
                    f"they share: {', '.join(row.they_give) or 'nothing'}."
                    for row in partners
                ),
            ]
            or ["No agreements with partner agencies."],
        ),
        _section(
            "Steering committee",
            cite("3.2", "Administration 2"),
            [
                "Seats: "
                + (", ".join(sorted({Seat(m.seat).label for m in members})) or "none recorded")
                + ".",
            ],
        ),
    ]
    out += [
        {"title": s.title, "clause": "", "body": s.body}
        for s in ManualSection.objects.filter(agency=agency)
    ]
    return out
