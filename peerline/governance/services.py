from peerline.agencies.models import Agency

from .models import ConfidentialityException, ExceptionCategory

# Defaults every agency starts with; the steering committee adapts them to state law (2011 §6.3).
DEFAULT_EXCEPTIONS = [
    (
        ExceptionCategory.THREAT_TO_SELF,
        "Stay with the person. Call the on-call mental health professional now; if there is "
        "immediate danger call 911. Tell the program coordinator that an exception was invoked.",
    ),
    (
        ExceptionCategory.THREAT_TO_OTHERS,
        "If anyone is in immediate danger call 911. Then call the on-call mental health "
        "professional and the program coordinator.",
    ),
    (
        ExceptionCategory.CHILD_ABUSE,
        "Report to the state child abuse hotline as the law requires, then tell the program coordinator.",
    ),
    (
        ExceptionCategory.ELDER_ABUSE,
        "Report to Adult Protective Services as the law requires, then tell the program coordinator.",
    ),
    (
        ExceptionCategory.SERIOUS_VIOLATION,
        "Stop the conversation about the violation. Consult the program coordinator and the "
        "clinical advisor before anything else is said or written.",
    ),
]


def exceptions_create_defaults(*, agency: Agency) -> None:
    """Give a new agency the usual limits of confidentiality (2011 §6.3) to start from."""
    ConfidentialityException.objects.bulk_create(
        [
            ConfidentialityException(
                agency=agency,
                category=category,
                label=category.label,
                procedure=procedure,
                position=i,
            )
            for i, (category, procedure) in enumerate(DEFAULT_EXCEPTIONS)
        ]
    )


def limits_statement(*, agency: Agency) -> list[str]:
    """The limits of confidentiality as a PSP reads them aloud at the outset (2011 §6.2, §6.4)."""
    return [exception.label for exception in agency.confidentiality_exceptions.all()]
