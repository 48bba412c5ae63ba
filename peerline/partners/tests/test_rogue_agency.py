"""A rogue agency of the same deployment tries, step by step, every way into another agency that
a one-sided partner agreement once opened (2011 §3.8.2; issue: agencies reach each other only by
mutual agreement). Each step is refused; then, with an agreement the victim accepted for one item
alone, nothing else crosses, the credit waits for the victim's coordinator, and after the victim
ends it nothing crosses at all."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from peerline.accounts.models import Role
from peerline.incidents import services as incidents
from peerline.incidents.models import MutualAidRequest
from peerline.incidents.tests.helpers import incident, staff
from peerline.partners.models import AgreementStatus, PartnerAgreement
from peerline.testing import personas as p
from peerline.training import compliance
from peerline.training.models import Attendance
from peerline.training.tests.helpers import psp, session

TODAY = timezone.localdate()
DAY = TODAY - timedelta(days=1)
LONG_AGO = date(2020, 1, 1)


@pytest.fixture
def scene(agency, other_agency, chain):
    """`agency` is the victim with its team; `other_agency` is the rogue with its coordinator,
    its own invented peer supporter and a session open to partners."""
    victims = [
        psp(agency, f"61{n:02d}", active_since=LONG_AGO, first_name="Vera", last_name=f"Victim{n}")
        for n in range(3)
    ]
    invented = psp(
        other_agency, "7100", active_since=LONG_AGO, first_name="Ivan", last_name="Invented"
    )
    rogue = Client()
    rogue.force_login(p.make_user("rogue-coordinator", other_agency, Role.COORDINATOR))
    victim = Client()
    victim.force_login(p.make_user("victim-coordinator", agency, Role.COORDINATOR))
    employee = Client()
    employee.force_login(p.make_user("victim-employee", agency, Role.EMPLOYEE))
    lure = session(other_agency, DAY, "8", partners_may_attend=True, title="Open to partners")
    return {
        "victims": victims,
        "invented": invented,
        "rogue": rogue,
        "victim": victim,
        "employee": employee,
        "session": lure,
    }


def offer_everything(rogue, agency):
    every = ["we_directory", "we_training", "we_aid", "they_directory", "they_training", "they_aid"]
    form = {
        "partner": agency.pk,
        "starts_on": (TODAY - timedelta(days=30)).isoformat(),
        "ends_on": "",
    }
    return rogue.post("/partners/", {**form, **dict.fromkeys(every, "on")})


def roster_post(scene, *psps, hours="8"):
    data: dict[str, object] = {"action": "save", "attended": [str(one.pk) for one in psps]}
    for one in psps:
        data[f"hours-{one.pk}"] = hours
    return scene["rogue"].post(f"/training/sessions/{scene['session'].pk}/attendance/", data)


def victim_hours(agency, one):
    quarter = compliance.Quarter.of(DAY)
    team = compliance.team_compliance(agency=agency, quarter=quarter)
    return {row.peer_supporter.pk: row.standing.hours_credited for row in team.rows}[one.pk]


def assert_nothing_crosses(scene, agency, other_agency):
    victims = scene["victims"]
    # Seeing the victim's PSP names on its own attendance page.
    page = scene["rogue"].get(f"/training/sessions/{scene['session'].pk}/attendance/")
    assert page.status_code == 200
    assert not any(v.employee.last_name in page.content.decode() for v in victims)
    # Crediting hours to the victim's PSPs.
    refused = roster_post(scene, *victims)
    assert refused.status_code == 400
    assert not Attendance.objects.filter(peer_supporter__in=victims).exists()
    assert victim_hours(agency, victims[0]) == Decimal("0.0")
    # Placing its own invented PSP in the victim's directory.
    directory = scene["employee"].get("/peers/").content.decode()
    assert "Invented" not in directory and other_agency.name not in directory
    # Receiving the victim's mutual-aid requests.
    assert not MutualAidRequest.objects.filter(partner=other_agency).exists()
    assert "No request." in scene["rogue"].get("/incidents/mutual-aid/").content.decode()


def test_a_rogue_agency_gets_nothing_from_a_one_sided_agreement_2011_3_8_2(
    scene, agency, other_agency, chain
):
    # 1. A one-sided agreement: the rogue's offer is only an offer.
    assert offer_everything(scene["rogue"], agency).status_code == 302
    agreement = PartnerAgreement.objects.get()
    assert agreement.status == AgreementStatus.OFFERED
    # It cannot accept its own offer.
    scene["rogue"].post(f"/partners/{agreement.pk}/accept/", {"we_directory": "on"})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.OFFERED
    # The victim is short of PSPs for an incident: the rogue must not be asked.
    for one in staff(agency, 1):
        p.make_user(f"coordinator-{one.pk}", agency, Role.COORDINATOR)
    short = incident(agency, principals=[chain.officer], team_size=5)
    incidents.activate(incident=short, by=None, now=timezone.now())
    # 2–5: names, credit, directory, mutual aid: all refused.
    assert_nothing_crosses(scene, agency, other_agency)
    # The victim sees the offer, and may end (decline) it: never a 404.
    assert "waiting for us" in scene["victim"].get("/partners/").content.decode()
    assert scene["victim"].post(f"/partners/{agreement.pk}/decline/").status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DECLINED
    assert_nothing_crosses(scene, agency, other_agency)


def test_an_accepted_item_alone_crosses_and_credit_waits_for_the_victim_2011_3_8_2(
    scene, agency, other_agency
):
    offer_everything(scene["rogue"], agency)
    agreement = PartnerAgreement.objects.get()
    # The victim keeps one item: its PSPs may attend the rogue's training. Nothing else.
    scene["victim"].post(f"/partners/{agreement.pk}/accept/", {"they_training": "on"})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACCEPTED
    assert agreement.shares_training
    assert not (agreement.shares_directory or agreement.mutual_aid)
    assert not (agreement.partner_shares_directory or agreement.partner_mutual_aid)
    directory = scene["employee"].get("/peers/").content.decode()
    assert "Invented" not in directory
    # The rogue records 8 hours for a victim's PSP: pending, the victim's compliance unchanged.
    one = scene["victims"][0]
    assert roster_post(scene, one).status_code == 302
    assert Attendance.objects.get(peer_supporter=one).confirmed_at is None
    assert victim_hours(agency, one) == Decimal("0.0")
    pending = scene["victim"].get("/training/partner-credit/").content.decode()
    assert one.employee.last_name in pending and other_agency.name in pending
    row = Attendance.objects.get(peer_supporter=one)
    scene["victim"].post("/training/partner-credit/", {"attendance": row.pk, "action": "refuse"})
    assert not Attendance.objects.filter(peer_supporter=one).exists()
    assert victim_hours(agency, one) == Decimal("0.0")
    # The victim ends it at any time: from then on nothing crosses at all.
    assert scene["victim"].post(f"/partners/{agreement.pk}/end/").status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED
    assert_nothing_crosses(scene, agency, other_agency)


def test_a_partners_psps_are_marked_with_their_agency_in_the_directory_2011_3_8_2(
    scene, agency, other_agency
):
    offer_everything(scene["rogue"], agency)
    agreement = PartnerAgreement.objects.get()
    scene["victim"].post(f"/partners/{agreement.pk}/accept/", {"they_directory": "on"})
    directory = scene["employee"].get("/peers/").content.decode()
    assert "Ivan Invented" in directory
    assert f"Partner agency: {other_agency.name}" in directory
