"""The U.S. Web Design System's classes on Django's form widgets: one place for every form."""

from typing import Any

from django import forms

# Radio and checkbox lists are drawn as tiles by the templates: their widgets get no class.
TILES = (forms.RadioSelect, forms.CheckboxSelectMultiple)
CLASSES = (
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.Select, "usa-select"),
    (forms.Textarea, "usa-textarea"),
)


def style(fields: dict[str, forms.Field]) -> None:
    """Give each widget its USWDS class ("usa-input" unless it is one of CLASSES)."""
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, TILES):
            continue
        widget.attrs["class"] = next(
            (css for kind, css in CLASSES if isinstance(widget, kind)), "usa-input"
        )


class UswdsForm(forms.Form):
    """A form whose widgets carry their USWDS classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self.fields)
