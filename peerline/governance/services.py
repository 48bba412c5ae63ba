"""Writes to the agency's limits of confidentiality (2011 §6.1–§6.5, §2.2; 2006 Confidentiality).

The coordinator and the steering committee own the list: add, word, remove, order, each limit
with its procedure. Every change keeps a full version (`LimitsVersion`) and an audit event in the
same transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from peerline.agencies.models import Agency
from peerline.audit.services import record

from . import editions
from .models import ConfidentialityException, ExceptionCategory, LimitsVersion
from .selectors import limits_statement  # noqa: F401 (the contact form and directory import it here)

PROCEDURES: dict[str, str] = {
    ExceptionCategory.THREAT_TO_SELF: (
        "Stay with the person. Call the on-call mental health professional now; if there is "
        "immediate danger call 911. Tell the program coordinator that an exception was invoked."
    ),
    ExceptionCategory.THREAT_TO_OTHERS: (
        "If anyone is in immediate danger call 911. Then call the on-call mental health "
        "professional and the program coordinator."
    ),
    ExceptionCategory.CHILD_ABUSE: (
        "Report to the state child abuse hotline as the law requires, then tell the program "
        "coordinator."
    ),
    ExceptionCategory.ELDER_ABUSE: (
        "Report to Adult Protective Services as the law requires, then tell the program "
        "coordinator."
    ),
    ExceptionCategory.SERIOUS_VIOLATION: (
        "Stop the conversation about the violation. Consult the program coordinator and the "
        "clinical advisor before anything else is said or written."
    ),
}


def _snapshot(agency: Agency) -> list[dict[str, str]]:
    return [
        {"label": e.label, "category": e.category, "procedure": e.procedure}
        for e in ConfidentialityException.objects.filter(agency=agency, retired_at__isnull=True)
    ]


def _version(agency: Agency, *, by, change: str) -> LimitsVersion:  # type: ignore[no-untyped-def]
    last = LimitsVersion.objects.filter(agency=agency).aggregate(n=Max("number"))["n"] or 0
    version = LimitsVersion.objects.create(
        agency=agency,
        number=last + 1,
        created_at=timezone.now(),
        by=by,
        change=change[:300],
        limits=_snapshot(agency),
    )
    record("limits.changed", by=by, agency=agency, target=f"limits v{version.number}",
           detail={"change": version.change})  # fmt: skip
    return version


def exceptions_create_defaults(*, agency: Agency) -> None:
    """A new agency starts from its edition's limits (2011 §6.3: four; 2006 Confidentiality 3
    adds serious violations of the law), each with a procedure to adapt to its state's law."""
    with transaction.atomic():
        ConfidentialityException.objects.bulk_create(
            [
                ConfidentialityException(
                    agency=agency,
                    category=category,
                    label=ExceptionCategory(category).label,
                    procedure=PROCEDURES[category],
                    position=i,
                )
                for i, category in enumerate(editions.rules(agency).default_limits)
            ]
        )
        _version(agency, by=None, change=f"Defaults of the {agency.guideline_edition} edition")


def _clean(label: str, procedure: str) -> tuple[str, str]:
    label, procedure = label.strip(), procedure.strip()
    errors = {}
    if not label:
        errors["label"] = "Name the limit as a peer supporter reads it aloud."
    if not procedure:
        errors["procedure"] = (
            "Say what the peer supporter does when this limit is reached (2011 §6.3)."
        )
    if errors:
        raise ValidationError(errors)
    return label, procedure


def limit_add(*, agency: Agency, by, label: str, procedure: str,  # type: ignore[no-untyped-def]
              category: str = ExceptionCategory.AGENCY_DEFINED) -> ConfidentialityException:  # fmt: skip
    """Add a limit with its procedure (2011 §6.3: from state law or department policy)."""
    label, procedure = _clean(label, procedure)
    with transaction.atomic():
        if ConfidentialityException.objects.filter(agency=agency, label__iexact=label).exists():
            raise ValidationError({"label": "This agency already has a limit with that name."})
        last = ConfidentialityException.objects.filter(agency=agency).aggregate(n=Max("position"))[
            "n"
        ]
        limit = ConfidentialityException.objects.create(
            agency=agency, category=category, label=label, procedure=procedure,
            position=(last or 0) + 1,
        )  # fmt: skip
        _version(agency, by=by, change=f"Added “{label}”")
    return limit


def limit_edit(*, limit: ConfidentialityException, by, label: str, procedure: str) -> None:  # type: ignore[no-untyped-def]
    """Reword a limit or its procedure; the previous wording stays in the versions."""
    label, procedure = _clean(label, procedure)
    with transaction.atomic():
        clash = ConfidentialityException.objects.filter(agency=limit.agency, label__iexact=label)
        if clash.exclude(pk=limit.pk).exists():
            raise ValidationError({"label": "This agency already has a limit with that name."})
        changes = []
        if label != limit.label:
            changes.append(f"“{limit.label}” renamed “{label}”")
        if procedure != limit.procedure:
            changes.append(f"procedure of “{label}” reworded")
        if not changes:
            return
        limit.label, limit.procedure = label, procedure
        limit.save(update_fields=["label", "procedure"])
        _version(limit.agency, by=by, change="; ".join(changes))


def limit_remove(*, limit: ConfidentialityException, by) -> None:  # type: ignore[no-untyped-def]
    """Remove a limit from the card and the form (2011 §6.3: the fewer, the more confidence).
    The row stays for contacts logged under it."""
    with transaction.atomic():
        original = limit.label
        limit.retired_at = timezone.now()
        # Frees the name (unique per agency) should the limit be added again later.
        limit.label = f"{original[:70]} (removed {limit.retired_at:%Y-%m-%d %H:%M:%S})"
        limit.save(update_fields=["retired_at", "label"])
        _version(limit.agency, by=by, change=f"Removed “{original}”")


def limit_move(*, limit: ConfidentialityException, by, up: bool) -> None:  # type: ignore[no-untyped-def]
    """Move a limit one place up or down in the order it is read aloud."""
    with transaction.atomic():
        rows = list(
            ConfidentialityException.objects.filter(agency=limit.agency, retired_at__isnull=True)
        )
        i = next(i for i, row in enumerate(rows) if row.pk == limit.pk)
        j = i - 1 if up else i + 1
        if not 0 <= j < len(rows):
            return
        rows[i], rows[j] = rows[j], rows[i]
        for position, row in enumerate(rows):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        _version(limit.agency, by=by, change=f"“{limit.label}” moved {'up' if up else 'down'}")
