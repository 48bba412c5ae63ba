from django import forms

from peerline.uswds import UswdsForm


class LimitForm(UswdsForm):
    label = forms.CharField(
        label="The limit, as read aloud", max_length=100,
        help_text="For example: Threat to self. Fewer limits build more confidence (2011 §6.3).",
    )  # fmt: skip
    procedure = forms.CharField(
        label="Procedure",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the peer supporter does at once when this limit is reached (2011 §6.3).",
    )
