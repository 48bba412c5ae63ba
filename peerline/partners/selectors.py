"""Reads of partner agreements (2011 §3.8.2), shared by the directory, training, mutual aid and
pages. Every reader of agreements goes through `givers` or `receivers`: they count only an
agreement both coordinators accepted, not ended, and in force on the day asked about.

An agreement binds two agencies; each item (directory, training, aid) is shared by one side with
the other, as both chose it (see `models`).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from peerline.agencies.models import Agency

from .models import AgreementStatus, PartnerAgreement

_FIELD = {"directory": "shares_directory", "training": "shares_training", "aid": "mutual_aid"}


def in_force_q(today: date, prefix: str = "") -> Q:
    """Agreements in force on `today`: accepted by both, not ended, started, and not past their
    last day."""
    return (
        Q(**{f"{prefix}status": AgreementStatus.ACCEPTED})
        & Q(**{f"{prefix}starts_on__lte": today})
        & (Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today}))
    )


def givers_ids(receiver_id: int, today: date, item: str) -> QuerySet[Agency, Any]:
    """The ids of agencies that share `item` with `receiver_id` on `today`, as a subquery."""
    field = _FIELD[item]
    live = PartnerAgreement.objects.filter(in_force_q(today))
    offered = live.filter(partner_id=receiver_id, **{field: True}).values("agency_id")
    asked = live.filter(agency_id=receiver_id, **{f"partner_{field}": True}).values("partner_id")
    return Agency.objects.filter(Q(pk__in=offered) | Q(pk__in=asked)).values("pk")


def givers_list(receiver_id: int, today: date, item: str) -> list[int]:
    """What `givers_ids` selects, read at once as a list, in one flat query of the agreements:
    for a caller that uses the ids more than once (the find-a-peer page reads them for its
    filters, its query and its cards, on every request of a surge: issue 18)."""
    field = _FIELD[item]
    offered = Q(partner_id=receiver_id, **{field: True})
    asked = Q(agency_id=receiver_id, **{f"partner_{field}": True})
    rows = (
        PartnerAgreement.objects.filter(in_force_q(today), offered | asked)
        .order_by()
        .values_list("agency_id", "partner_id")
    )
    # The giver is the other side (an agreement binds two different agencies: a constraint).
    return list(
        dict.fromkeys(agency if partner == receiver_id else partner for agency, partner in rows)
    )


def receivers_ids(giver_id: int, today: date, item: str) -> QuerySet[Agency, Any]:
    """The ids of agencies `giver_id` shares `item` with on `today`, as a subquery."""
    field = _FIELD[item]
    live = PartnerAgreement.objects.filter(in_force_q(today))
    offered = live.filter(agency_id=giver_id, **{field: True}).values("partner_id")
    asked = live.filter(partner_id=giver_id, **{f"partner_{field}": True}).values("agency_id")
    return Agency.objects.filter(Q(pk__in=offered) | Q(pk__in=asked)).values("pk")


def directory_givers_ids(agency: Agency, today: date) -> QuerySet[Agency, Any]:
    """The ids of agencies whose PSPs are in `agency`'s directory today, as a subquery."""
    return givers_ids(agency.pk, today, "directory")


def directory_givers_list(agency: Agency, today: date) -> list[int]:
    """The ids of agencies whose PSPs are in `agency`'s directory today, as a list."""
    return givers_list(agency.pk, today, "directory")


def partners_sharing_directory_with(agency: Agency, today: date) -> QuerySet[Agency]:
    """Agencies whose PSPs appear in `agency`'s find-a-peer directory today (2011 §3.6, §3.8.2)."""
    return Agency.objects.filter(pk__in=directory_givers_ids(agency, today)).order_by("name")


def partners_sharing_training_with(agency: Agency, today: date) -> QuerySet[Agency]:
    """Agencies whose training `agency`'s PSPs may attend today (2011 §3.8.2, §8)."""
    return Agency.objects.filter(pk__in=givers_ids(agency.pk, today, "training")).order_by("name")


def training_guests(host: Agency | int, day: date) -> QuerySet[Agency]:
    """Agencies whose PSPs may attend `host`'s training on `day` (2011 §3.8.2, §8)."""
    host_id = host if isinstance(host, int) else host.pk
    return Agency.objects.filter(pk__in=receivers_ids(host_id, day, "training")).order_by("name")


def mutual_aid_partners(agency: Agency, today: date) -> QuerySet[Agency]:
    """Agencies that answer `agency`'s mutual-aid requests today (2011 §3.8.2: critical
    incident support, and help when the agency's own PSPs are close to the incident)."""
    return Agency.objects.filter(pk__in=givers_ids(agency.pk, today, "aid")).order_by("name")


def answers_aid_for(helper: Agency, asker_id: int, today: date) -> bool:
    """Whether `helper` answers `asker_id`'s mutual-aid requests today."""
    return givers_ids(asker_id, today, "aid").filter(pk=helper.pk).exists()


@dataclass(frozen=True)
class AgreementRow:
    """An agreement as one side's coordinator sees it, with its state on `today`."""

    agreement: PartnerAgreement
    other: Agency
    we_offered: bool
    state: str  # "waiting for them", "waiting for us", "in force", "starts later", "ended", ...
    we_give: tuple[str, ...]
    they_give: tuple[str, ...]

    @property
    def in_force(self) -> bool:
        return self.state == "in force"

    @property
    def ended(self) -> bool:
        return self.state in ("ended", "declined")

    @property
    def waiting_for_us(self) -> bool:
        return self.state == "waiting for us"

    @property
    def answer_items(self) -> list[tuple[str, str]]:
        """The offered items the answering side keeps or drops, as (form field, label)."""
        return [
            (f"{side}_{item}", f"{'We share' if side == 'we' else 'They share'}: {LABELS[item]}")
            for side, giver in (
                ("we", self.agreement.partner_id),
                ("they", self.agreement.agency_id),
            )
            for item in _FIELD
            if self.agreement.gives(giver, item)
        ]


LABELS = {"directory": "Find-a-peer directory", "training": "Training", "aid": "Mutual aid"}


def agreement_state(agreement: PartnerAgreement, today: date, viewer_id: int | None = None) -> str:
    if agreement.status == AgreementStatus.DECLINED:
        return "declined"
    if agreement.status == AgreementStatus.ENDED:
        return "ended"
    if agreement.status == AgreementStatus.OFFERED:
        return "waiting for them" if viewer_id == agreement.agency_id else "waiting for us"
    ends_on = agreement.ends_on
    if ends_on is not None and (ends_on < today or ends_on < agreement.starts_on):
        return "ended"
    if agreement.starts_on > today:
        return "starts later"
    return "in force"


def _row(agreement: PartnerAgreement, agency: Agency, today: date) -> AgreementRow:
    ours = agreement.agency_id == agency.pk
    other_id = agreement.partner_id if ours else agreement.agency_id
    return AgreementRow(
        agreement=agreement,
        other=agreement.partner if ours else agreement.agency,
        we_offered=ours,
        state=agreement_state(agreement, today, agency.pk),
        we_give=tuple(LABELS[i] for i in _FIELD if agreement.gives(agency.pk, i)),
        they_give=tuple(LABELS[i] for i in _FIELD if agreement.gives(other_id, i)),
    )


def agreements_of(agency: Agency, today: date) -> list[AgreementRow]:
    """Every agreement `agency` is a side of: waiting for us first, then live, then the past."""
    found = PartnerAgreement.objects.filter(Q(agency=agency) | Q(partner=agency)).select_related(
        "agency", "partner"
    )
    rows = [_row(a, agency, today) for a in found]
    return sorted(rows, key=lambda r: (not r.waiting_for_us, r.ended, r.other.name, r.agreement.pk))


def agreements_scope(agency: Agency) -> QuerySet[PartnerAgreement]:
    """The agreements `agency` is a side of: either side may read, accept or end its own."""
    return PartnerAgreement.objects.filter(Q(agency=agency) | Q(partner=agency))


def partner_choices(agency: Agency) -> QuerySet[Agency]:
    """The other agencies of this deployment an agreement may name."""
    return Agency.objects.exclude(pk=agency.pk).order_by("name")
