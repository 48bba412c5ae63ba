"""The first version of every agency's PSP confidentiality agreement (2011 §6.8).

The coordinator publishes the agency's own wording as a new version; PSPs then sign again.
"""

from django.utils import timezone

from peerline.agencies.models import Agency

from .models import ConfidentialityAgreement

AGREEMENT_TEXT = """\
As a peer support person (PSP) of this agency I agree:

1. To keep confidential what employees and their families share with me in peer support, within
   the limits of confidentiality the agency has published and that I explain before support
   begins (IACP Peer Support Guidelines 2011 §6.1–§6.5).
2. Not to keep any written formal or private record of supportive contacts other than the
   non-identifying statistics the program collects (§6.7), and never to give identifying or
   confidential information about the people I support to management (§3.1).
3. Not to provide peer support to my own supervisors or subordinates, and to refer a person to
   another PSP, a chaplain or a mental health professional when a conflict of interest may exist
   (§7.2, §7.3).
4. To seek the advice of the program's licensed mental health professional when a problem is
   beyond my training or my personal limits (§5.2).

I understand that a breach of confidentiality is a ground for deselection from the team (§4.3)
and may lead to discipline under agency policy and to liability under the law of this state.
"""


def agreement_create_default(*, agency: Agency) -> ConfidentialityAgreement:
    """Version 1 of the agreement, for a new agency."""
    agreement, _ = ConfidentialityAgreement.objects.get_or_create(
        agency=agency, version=1, defaults={"text": AGREEMENT_TEXT, "published_at": timezone.now()}
    )
    return agreement
