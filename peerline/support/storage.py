"""What Peerline stores about you (issue 16.5), read from the models themselves.

Each situation names the models that store something when it happens; every field, its words
and its choices come from the model's own metadata (`verbose_name`, `choices`, relations), so a
field added to a model shows here without anyone writing it down. The one hand-written part is
which models belong to which situation and how long they are kept.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import models

# (situation, what it means, how long it is kept, the models "app_label.Model")
SITUATIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "When you log in",
        "Your account, your roles in the agency, and your session.",
        "As long as you have an account; sessions end after a shift.",
        ("accounts.User", "accounts.Membership", "sessions.Session"),
    ),
    (
        "When you request a peer",
        "Only what you type, and only until a peer supporter has it or the request expires. "
        "Then it is deleted; a count of requests per month remains. "
        "Nothing records who you are, your address on the internet, or your device.",
        "Until a peer supporter accepts and marks it done (a few hours at most), or until it "
        "expires unanswered (24 hours unless the agency chose otherwise).",
        ("support.SupportRequest", "support.SupportPage", "support.SupportTally"),
    ),
    (
        "When you are paged (as a peer supporter or clinician)",
        "The message sent to you and whether it was delivered.",
        "A page about an anonymous request is emptied with the request; a page about an "
        "incident is emptied when the incident is erased.",
        ("notifications.Notification", "incidents.Deployment", "support.AnswerToken"),
    ),
    (
        "When you are supported",
        "The peer supporter may log that a contact happened, as a statistic. "
        "None of its fields is your name, your employee number, your account, or free text.",
        "Counts for the program's statistics (2011 §6.7).",
        ("contacts.Contact",),
    ),
)

SKIP = {"id"}


@dataclass(frozen=True)
class Field:
    name: str
    words: str


@dataclass(frozen=True)
class Section:
    title: str
    summary: str
    kept: str
    tables: list[tuple[str, list[Field]]]


def _describe(field: models.Field) -> str:  # type: ignore[type-arg]
    related = field.related_model
    if field.is_relation and related is not None and not isinstance(related, str):
        return f"which {related._meta.verbose_name}"
    if field.choices:
        labels = [str(label) for value, label in field.flatchoices if value != ""]
        return "one of: " + ", ".join(labels)
    if isinstance(field, models.BooleanField):
        return "yes or no"
    if isinstance(field, models.DateTimeField):
        return "a date and time"
    if isinstance(field, models.DateField):
        return "a date"
    if isinstance(field, models.IntegerField):
        return "a number"
    if isinstance(field, models.EmailField):
        return "an e-mail address"
    if isinstance(field, models.JSONField):
        return "a list"
    return "text"


def fields_of(label: str) -> list[Field]:
    """Every stored column of a model, in plain words."""
    model = apps.get_model(label)
    out = []
    for field in model._meta.concrete_fields:
        if field.name in SKIP:
            continue
        out.append(Field(name=str(field.verbose_name), words=_describe(field)))
    return out


def sections() -> list[Section]:
    return [
        Section(
            title=title,
            summary=summary,
            kept=kept,
            tables=[
                (str(apps.get_model(label)._meta.verbose_name).capitalize(), fields_of(label))
                for label in labels
            ],
        )
        for title, summary, kept, labels in SITUATIONS
    ]
