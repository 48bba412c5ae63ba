from django import forms

from peerline.uswds import UswdsForm


class LimitForm(UswdsForm):
    label = forms.CharField(
        label="The limit, as read aloud", max_length=100,
        help_text="For example: Threat to self. Fewer limits build more confidence (2011 §6.3).",
        error_messages={"required": "Name the limit as a peer supporter reads it aloud."},
    )  # fmt: skip
    procedure = forms.CharField(
        label="Procedure",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the peer supporter does at once when this limit is reached (2011 §6.3).",
        error_messages={
            "required": "Say what the peer supporter does when this limit is reached (2011 §6.3)."
        },
    )
