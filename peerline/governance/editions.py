"""What the agency's edition of the guidelines decides (the steering committee chooses it).

`Agency.guideline_edition` is not a label: the default limits of confidentiality, the shooting
rule and its wording, the §3.10 caution and the self-assessment's clauses follow it. Every place
that cites a clause asks `cite()` so a 2006 agency reads its own edition's words.
"""

from dataclasses import dataclass
from decimal import Decimal

from peerline.agencies.models import Agency, GuidelineEdition

from .models import ExceptionCategory


@dataclass(frozen=True)
class EditionRules:
    edition: str
    # Limits a new agency starts from: 2011 §6.3 lists four; 2006 Confidentiality 3 adds serious
    # violations of the law.
    default_limits: tuple[str, ...]
    # 2006 Administration 3: the confidential individual intervention after a shooting is done by
    # a licensed mental health professional. 2011 §3.3 has no such rule.
    shooting_rule: bool
    caution_clause: str
    caution: str
    limits_clause: str
    # Update training per quarter: 2011 §8.2 recommends four hours. 2006 Training 2 names no
    # figure ("as scheduled by the program coordinator"): None keeps the agency's own.
    training_hours_per_quarter: Decimal | None


RULES = {
    GuidelineEdition.IACP_2011: EditionRules(
        edition=GuidelineEdition.IACP_2011,
        default_limits=(
            ExceptionCategory.THREAT_TO_SELF,
            ExceptionCategory.THREAT_TO_OTHERS,
            ExceptionCategory.CHILD_ABUSE,
            ExceptionCategory.ELDER_ABUSE,
        ),
        shooting_rule=False,
        caution_clause="2011 §3.10",
        caution=(
            "Peer support is not an alternative to discipline, and a peer supporter does not "
            "intervene in a disciplinary process. If you are under investigation or in a "
            "disciplinary process, a peer supporter can support you but will not discuss the "
            "incident itself: anything you say about that incident may not be confidential, "
            "under agency policy and the law of your jurisdiction."
        ),
        limits_clause="2011 §6.2–§6.4",
        training_hours_per_quarter=Decimal(4),
    ),
    GuidelineEdition.IACP_2006: EditionRules(
        edition=GuidelineEdition.IACP_2006,
        default_limits=(
            ExceptionCategory.THREAT_TO_SELF,
            ExceptionCategory.THREAT_TO_OTHERS,
            ExceptionCategory.CHILD_ABUSE,
            ExceptionCategory.ELDER_ABUSE,
            ExceptionCategory.SERIOUS_VIOLATION,
        ),
        shooting_rule=True,
        caution_clause="2006 Administration 10, Confidentiality 5",
        caution=(
            "Peer support is not a substitute for discipline: a peer supporter does not intervene "
            "in a disciplinary process, even if you ask. Peer supporters are not used in internal "
            "affairs investigations. If you are under investigation or facing discipline, what "
            "you say about the matter may not be confidential."
        ),
        limits_clause="2006 Confidentiality 2–4",
        training_hours_per_quarter=None,
    ),
}


def rules(agency: Agency) -> EditionRules:
    return edition_rules(agency.guideline_edition)


def edition_rules(edition: str) -> EditionRules:
    return RULES.get(edition, RULES[GuidelineEdition.IACP_2011])  # type: ignore[call-overload]


def cite(agency: Agency, clause_2011: str, clause_2006: str) -> str:
    """The clause in the agency's own edition's numbering."""
    if agency.guideline_edition == GuidelineEdition.IACP_2006:
        return f"2006 {clause_2006}"
    return f"2011 §{clause_2011}"
