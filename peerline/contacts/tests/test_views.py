"""The contact log's pages: the phone form, the confirmation, my contacts and corrections."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peerline.accounts.models import Membership, Role
from peerline.agencies import clock, periods
from peerline.contacts import services
from peerline.contacts.models import Contact, FollowUpReminder
from peerline.stats.models import ClosedPeriod
from peerline.testing import personas as p

LOG, SAVED, MINE = "/contacts/log/", "/contacts/saved/", "/contacts/mine/"


@pytest.fixture
def psp(client_for):
    return client_for(Role.PEER_SUPPORTER)


@pytest.fixture
def me(users):
    return users[Role.PEER_SUPPORTER]


def this_month(agency):
    return clock.local_today(agency).replace(day=1)


def this_week(agency):
    today = clock.local_today(agency)
    return today - timedelta(days=today.weekday())


def form_data(agency, **answers):
    """What the phone form sends when the PSP has answered every question."""
    return {
        "month": f"{this_month(agency):%Y-%m}",
        "activity": "post_critical_incident",
        "recipient_group": "sworn",
        "duration": "30-60",
        "mode": "in_person",
        "initiated_by": "self",
        "limits_explained": "yes",
        "exception": "none",
        "role_conflict": "no",
        "prior_contacts": "first",
        "referrals": ["none"],
        "follow_up_days": "",
        **answers,
    }


def logged(agency, user, **answers):
    """A contact logged through the service the form uses."""
    data = {
        "month": this_month(agency),
        "activity": "grief",
        "recipient_group": "civilian",
        "mode": "phone",
        "initiated_by": "self",
        "duration": "lt15",
        "limits_explained": True,
        "role_conflict": False,
        "prior_contacts": "first",
        **answers,
    }
    return services.contact_log(agency=agency, peer_supporter=user, data=data)


def close_period(agency, period):
    ClosedPeriod.objects.create(agency=agency, period=period, threshold=11, release_json=b"{}")


def checked(html, name, value):
    return f'name="{name}" value="{value}" checked' in html


# The form ---------------------------------------------------------------------------------------


STATISTICS = [
    "activity",
    "recipient_group",
    "duration",
    "month",
    "mode",
    "initiated_by",
    "limits_explained",
    "exception",
    "role_conflict",
    "prior_contacts",
    "referrals",
]


def test_no_answer_is_chosen_for_the_psp_2011_6_2(psp, agency):
    """A default left as it is would count as an answer (an inflated limits-explained rate)."""
    html = psp.get(LOG).content.decode()
    for name in STATISTICS:
        assert f'name="{name}"' in html
        assert f'name="{name}" value="' in html
        assert not any(
            f'name="{name}" value="{value}" checked' in html
            for value in [*__import__("re").findall(rf'name="{name}" value="([^"]*)"', html)]
        ), name
    assert checked(html, "follow_up_days", "")  # not a statistic: no reminder unless asked
    assert "usa-radio__input--tile" in html and "autofocus" not in html


@pytest.mark.parametrize("missing", STATISTICS)
def test_the_form_refuses_to_save_until_each_question_is_answered_2011_6_7(psp, agency, missing):
    data = form_data(agency)
    del data[missing]
    response = psp.post(LOG, data)
    assert response.status_code == 200 and not Contact.objects.exists()
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert f'id="{missing}-error">Answer this question' in html
    # The focus goes to the question (its first answer), and nowhere else.
    assert html.count("autofocus") == 1
    first = __import__("re").search(rf'<input [^>]*name="{missing}"[^>]*>', html)[0]
    assert "autofocus" in first


def test_no_referral_and_a_referral_cannot_both_be_chosen(psp, agency):
    response = psp.post(LOG, form_data(agency, referrals=["none", "eap"]))
    assert response.status_code == 200 and not Contact.objects.exists()
    assert "not both" in response.content.decode()


def test_the_form_has_no_free_text_field_2011_6_7(psp):
    html = psp.get(LOG).content.decode()
    assert "<textarea" not in html
    assert 'type="text"' not in html and 'type="search"' not in html
    assert 'method="post"' in html


def test_the_form_shows_the_agencys_limits_to_read_aloud_2011_6_2_6_4(psp, agency):
    html = psp.get(LOG).content.decode()
    assert "usa-summary-box" in html and "Read this aloud at the outset" in html
    for exception in agency.confidentiality_exceptions.all():
        assert exception.label in html


def test_the_form_carries_each_exceptions_procedure_2011_6_3(psp, agency):
    html = psp.get(LOG).content.decode()
    for exception in agency.confidentiality_exceptions.all():
        assert f'data-reveal-values="{exception.pk}" hidden' in html
        assert exception.procedure in html


def test_a_psp_logs_a_contact_through_the_form_2011_6_7(psp, agency, me):
    response = psp.post(
        LOG,
        form_data(
            agency,
            activity="grief",
            recipient_group="family",
            duration="1-2h",
            mode="phone",
            initiated_by="outreach",
            referrals=["eap", "chaplain"],
            follow_up_days="14",
        ),
    )
    assert response.status_code == 302 and response["Location"] == SAVED
    contact = Contact.objects.get()
    assert contact.peer_supporter == me and contact.agency == agency
    assert (contact.activity, contact.recipient_group, contact.duration) == (
        "grief",
        "family",
        "1-2h",
    )
    assert (contact.mode, contact.initiated_by) == ("phone", "outreach")
    assert contact.month == this_month(agency)
    assert contact.limits_explained and not contact.role_conflict and contact.exception is None
    assert contact.referral_eap and contact.referral_chaplain and not contact.referral_mental_health
    assert contact.prior_contacts == "first"
    reminder = FollowUpReminder.objects.get()
    due = clock.local_today(agency) + timedelta(days=14)
    assert reminder.peer_supporter == me
    assert reminder.due_week == due - timedelta(days=due.weekday())

    page = psp.get(SAVED)
    html = page.content.decode()
    assert page.status_code == 200 and "Contact saved" in html
    assert "Log another" in html and "My contacts" in html
    assert "What to do now" not in html


def test_an_earlier_month_can_be_chosen(psp, agency):
    earlier = services.month_choices(agency)[5]
    assert psp.post(LOG, form_data(agency, month=f"{earlier:%Y-%m}")).status_code == 302
    assert Contact.objects.get().month == earlier


def test_a_reload_of_the_confirmation_logs_nothing_twice(psp, agency):
    psp.post(LOG, form_data(agency))
    assert psp.get(SAVED).status_code == 200
    assert psp.get(SAVED).status_code == 200
    assert Contact.objects.count() == 1


def test_the_confirmation_without_a_saved_contact_goes_back_to_the_form(psp):
    response = psp.get(SAVED)
    assert response.status_code == 302 and response["Location"] == LOG


@pytest.mark.parametrize("field", ["name", "employee_number", "notes", "recipient", "day"])
def test_the_form_rejects_free_text_2011_6_7(psp, agency, field):
    response = psp.post(LOG, form_data(agency, **{field: "Jane Doe"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Not accepted: {field}." in html and "2011 §6.7" in html
    assert "Jane Doe" not in html
    assert Contact.objects.count() == 0


def test_a_field_in_the_query_string_is_refused_as_well_2011_6_7(psp, agency):
    response = psp.post(f"{LOG}?notes=x", form_data(agency))
    assert response.status_code == 400 and "Not accepted: notes." in response.content.decode()
    assert Contact.objects.count() == 0


def test_a_value_outside_the_lists_is_shown_as_an_error_and_nothing_is_stored(psp, agency):
    response = psp.post(
        LOG, form_data(agency, activity="Talked with J. Doe", referrals=["eap", "a neighbour"])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "usa-form-group--error" in html and "usa-error-message" in html
    assert "Nothing was saved" in html
    assert "J. Doe" not in html and "neighbour" not in html, "never echoed back"
    # The PSP's other choices are kept.
    assert checked(html, "recipient_group", "sworn") and checked(html, "duration", "30-60")
    assert checked(html, "referrals", "eap")
    assert Contact.objects.count() == 0


def test_a_missing_answer_is_shown_as_an_error(psp, agency):
    data = form_data(agency)
    del data["activity"]
    html = psp.post(LOG, data).content.decode()
    assert 'id="activity-error"' in html and 'href="#activity-group"' in html
    assert Contact.objects.count() == 0


@pytest.mark.parametrize("month", ["2000-01", "2999-01", "June"])
def test_a_month_outside_the_last_year_is_refused(psp, agency, month):
    html = psp.post(LOG, form_data(agency, month=month)).content.decode()
    assert 'id="month-error"' in html
    assert Contact.objects.count() == 0


def test_another_agencys_exception_is_refused_2011_6_3(psp, agency, other_agency):
    foreign = other_agency.confidentiality_exceptions.first()
    html = psp.post(LOG, form_data(agency, exception=str(foreign.pk))).content.decode()
    assert 'id="exception-error"' in html
    assert Contact.objects.count() == 0


# Guidance ---------------------------------------------------------------------------------------


def test_an_exception_shows_its_procedure_at_once_2011_6_3(psp, agency):
    exception = agency.confidentiality_exceptions.get(category="threat_to_self")
    psp.post(LOG, form_data(agency, exception=str(exception.pk)))
    assert Contact.objects.get().exception == exception
    html = psp.get(SAVED).content.decode()
    assert "What to do now" in html and f"Do this now: {exception.label}" in html
    assert exception.procedure in html


def test_a_supervisor_or_subordinate_is_a_flagged_role_conflict_with_referrals_2011_7_2_7_3(
    psp, agency
):
    psp.post(LOG, form_data(agency, role_conflict="yes"))
    assert Contact.objects.get().role_conflict is True
    html = psp.get(SAVED).content.decode()
    assert "Refer this person to someone else" in html and "2011 §7.2" in html
    for option in ("Another peer supporter", "Chaplain", "Licensed mental health professional"):
        assert option in html
    assert "Correct this contact" in html


@pytest.mark.parametrize(
    ("threshold", "band", "prompted"),
    [(4, "4+", True), (4, "2-3", False), (2, "2-3", True), (2, "first", False)],
)
def test_prior_contacts_at_the_agencys_threshold_prompt_a_referral_2011_7_3(
    psp, agency, threshold, band, prompted
):
    agency.repeat_contact_threshold = threshold
    agency.save(update_fields=["repeat_contact_threshold"])
    form = psp.get(LOG).content.decode()
    assert f"At {threshold} or more contacts with one person" in form
    psp.post(LOG, form_data(agency, prior_contacts=band))
    html = psp.get(SAVED).content.decode()
    assert ("Consider a referral" in html) is prompted


# My contacts and corrections ----------------------------------------------------------------------


def test_my_contacts_lists_only_my_own_in_open_periods(psp, agency, me, other_agency):
    mine_open = logged(agency, me, activity="financial")
    closed = logged(agency, me, activity="career")
    ClosedPeriod.objects.create(agency=agency, period="2000-Q1", threshold=11, release_json=b"{}")
    Contact.objects.filter(pk=closed.pk).update(period="2000-Q1")
    colleague = p.make_user("psp-two", agency, Role.PEER_SUPPORTER)
    logged(agency, colleague, activity="relationship")
    elsewhere = p.make_user("psp-away", other_agency, Role.PEER_SUPPORTER)
    logged(other_agency, elsewhere, activity="on_scene")

    html = psp.get(MINE).content.decode()
    assert "Financial" in html and f"/contacts/{mine_open.pk}/edit/" in html
    assert "Career issues" not in html, "a closed quarter's contact is final"
    assert "Relationship issues" not in html and "On-scene" not in html, "nobody else's rows"
    assert html.count("data-contact") == 1


def test_my_contacts_come_fifty_to_a_page_newest_first(psp, agency, me):
    """A busy PSP's open quarters (the bench's PSP had 20,000 rows: 3 s) stay one light page."""
    contacts = [logged(agency, me) for _ in range(53)]
    first = psp.get(MINE).content.decode()
    assert first.count("data-contact") == 50
    assert "53 contacts, 1–50 shown" in first
    assert f"/contacts/{contacts[-1].pk}/edit/" in first  # the newest first
    assert f"/contacts/{contacts[0].pk}/edit/" not in first
    second = psp.get(MINE, {"page": 2}).content.decode()
    assert second.count("data-contact") == 3
    assert f"/contacts/{contacts[0].pk}/edit/" in second
    assert psp.get(MINE, {"page": "x"}).status_code == 200  # a bad page number: the first


def test_my_contacts_takes_the_same_number_of_queries_for_many_rows(psp, agency, me):
    logged(agency, me)
    with CaptureQueriesContext(connection) as few:
        psp.get(MINE)
    for _ in range(10):
        logged(agency, me, follow_up_days=1)
    FollowUpReminder.objects.update(due_week=this_week(agency))
    with CaptureQueriesContext(connection) as many:
        html = psp.get(MINE).content.decode()
    assert html.count("data-contact") == 11 and html.count("data-follow-up") == 10
    assert len(many) <= len(few) + 1  # + the follow-ups query, empty and skipped at first


def test_correcting_my_own_contact_works(psp, agency, me):
    contact = logged(agency, me, activity="grief")
    page = psp.get(f"/contacts/{contact.pk}/edit/").content.decode()
    assert "Correct a contact" in page and checked(page, "activity", "grief")
    assert checked(page, "mode", "phone") and checked(page, "recipient_group", "civilian")

    response = psp.post(
        f"/contacts/{contact.pk}/edit/",
        form_data(agency, activity="career", referrals=["mental_health"]),
    )
    assert response.status_code == 302 and response["Location"] == SAVED
    contact.refresh_from_db()
    assert contact.activity == "career" and contact.referral_mental_health
    assert contact.peer_supporter == me and Contact.objects.count() == 1
    assert "Contact corrected" in psp.get(SAVED).content.decode()


def test_a_correction_refuses_free_text_too_2011_6_7(psp, agency, me):
    contact = logged(agency, me)
    response = psp.post(f"/contacts/{contact.pk}/edit/", form_data(agency, notes="x"))
    assert response.status_code == 400 and "2011 §6.7" in response.content.decode()
    contact.refresh_from_db()
    assert contact.activity == "grief"


def test_a_quarter_closing_while_the_correction_is_open_shows_why_2011_3_1(
    psp, agency, me, monkeypatch
):
    contact = logged(agency, me)
    page = psp.get(f"/contacts/{contact.pk}/edit/")
    assert page.status_code == 200
    # The quarter closes after the form was opened, before it is sent.
    monkeypatch.setattr("peerline.contacts.services.periods.is_closed", lambda agency, period: True)
    response = psp.post(f"/contacts/{contact.pk}/edit/", form_data(agency, activity="career"))
    assert response.status_code == 200
    assert "closed period; its report is final" in response.content.decode()
    contact.refresh_from_db()
    assert contact.activity == "grief"


def test_another_psps_contact_answers_404(psp, agency):
    colleague = p.make_user("psp-two", agency, Role.PEER_SUPPORTER)
    theirs = logged(agency, colleague)
    assert psp.get(f"/contacts/{theirs.pk}/edit/").status_code == 404
    response = psp.post(f"/contacts/{theirs.pk}/edit/", form_data(agency, activity="career"))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.activity == "grief"


def test_another_agencys_contact_answers_404_even_my_own_there(psp, agency, me, other_agency):
    Membership.objects.create(user=me, agency=other_agency, role=Role.PEER_SUPPORTER)
    mine_there = logged(other_agency, me)
    # Acting in TEST (the default would be OTHER, the first by code).
    session = psp.session
    session["peerline_agency_id"] = agency.pk
    session.save()
    assert psp.get(f"/contacts/{mine_there.pk}/edit/").status_code == 404
    assert psp.post(f"/contacts/{mine_there.pk}/follow-up-done/").status_code == 404


def test_a_contact_in_a_closed_period_cannot_be_corrected_2011_3_1(psp, agency, me):
    contact = logged(agency, me)
    close_period(agency, contact.period)
    assert psp.get(f"/contacts/{contact.pk}/edit/").status_code == 404
    response = psp.post(f"/contacts/{contact.pk}/edit/", form_data(agency, activity="career"))
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.activity == "grief"


def test_a_follow_up_reminder_is_a_week_not_tied_to_the_contact_and_done_deletes_it_2011_6_7(
    psp, agency, me
):
    logged(agency, me, activity="financial", follow_up_days=7)
    logged(agency, me, activity="career", follow_up_days=28)
    due, later = FollowUpReminder.objects.order_by("due_week")
    FollowUpReminder.objects.filter(pk=due.pk).update(due_week=this_week(agency))

    html = psp.get(MINE).content.decode()
    assert "A follow-up you set is due" in html and html.count("data-follow-up") == 1
    assert "Financial" not in html.split('id="contacts-heading"')[0], "nothing of the contact"

    response = psp.post(f"/contacts/{due.pk}/follow-up-done/")
    assert response.status_code == 302 and response["Location"] == MINE
    assert list(FollowUpReminder.objects.all()) == [later]
    assert "A follow-up you set is due" not in psp.get(MINE).content.decode()


def test_a_reminder_whose_week_has_passed_is_deleted_by_the_scheduled_job(agency, me):
    from peerline.contacts.apps import reminders_expire
    from peerline.core.jobs import JOBS

    logged(agency, me, follow_up_days=7)
    logged(agency, me, follow_up_days=1)
    passed, kept = FollowUpReminder.objects.order_by("pk")
    FollowUpReminder.objects.filter(pk=passed.pk).update(
        due_week=this_week(agency) - timedelta(days=7)
    )
    FollowUpReminder.objects.filter(pk=kept.pk).update(due_week=this_week(agency))
    kept.refresh_from_db()
    assert JOBS["contacts.reminders_expire"].run is reminders_expire
    reminders_expire(timezone.now())
    assert list(FollowUpReminder.objects.all()) == [kept]


def test_only_my_own_follow_up_can_be_cleared(psp, agency):
    colleague = p.make_user("psp-two", agency, Role.PEER_SUPPORTER)
    logged(agency, colleague, follow_up_days=7)
    theirs = FollowUpReminder.objects.get()
    assert psp.post(f"/contacts/{theirs.pk}/follow-up-done/").status_code == 404
    assert FollowUpReminder.objects.filter(pk=theirs.pk).exists()


# Deleting a mistaken contact -----------------------------------------------------------------------


def test_a_psp_deletes_a_mistaken_contact_after_confirming_and_it_counts_nowhere_2011_6_7(
    psp, agency, me, users
):
    from peerline.stats import program, releases

    quarter_ago = clock.local_today(agency).replace(day=1) - timedelta(days=80)
    month = quarter_ago.replace(day=1)
    period = periods.quarter_of(month)
    kept = logged(agency, me, month=month, activity="grief")
    mistake = logged(agency, me, month=month, activity="death_notification")
    before = program.program_summary(agency=agency, period=period).contacts

    page = psp.get(f"/contacts/{mistake.pk}/delete/")
    assert page.status_code == 200 and "Delete this contact?" in page.content.decode()
    assert Contact.objects.filter(pk=mistake.pk).exists(), "a GET deletes nothing"
    response = psp.post(f"/contacts/{mistake.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == MINE
    assert list(Contact.objects.all()) == [kept]

    assert program.program_summary(agency=agency, period=period).contacts == before - 1
    closed = releases.period_close(agency=agency, period=period, acting_user=None)
    assert closed.cell_counts["activity"]["death_notification"] == 0
    assert closed.cell_counts["activity"]["grief"] == 1


def test_only_my_own_contact_in_an_open_period_can_be_deleted_2011_6_7(psp, agency, me):
    colleague = p.make_user("psp-two", agency, Role.PEER_SUPPORTER)
    theirs = logged(agency, colleague)
    assert psp.get(f"/contacts/{theirs.pk}/delete/").status_code == 404
    assert psp.post(f"/contacts/{theirs.pk}/delete/").status_code == 404
    mine = logged(agency, me)
    close_period(agency, mine.period)
    assert psp.post(f"/contacts/{mine.pk}/delete/").status_code == 404
    assert Contact.objects.count() == 2
    with pytest.raises(PermissionError):
        services.contact_delete(contact=theirs, by=me)


# Access -----------------------------------------------------------------------------------------


def contact_urls(pk):
    return [
        ("get", LOG),
        ("post", LOG),
        ("get", SAVED),
        ("get", MINE),
        ("get", f"/contacts/{pk}/edit/"),
        ("post", f"/contacts/{pk}/edit/"),
        ("post", f"/contacts/{pk}/follow-up-done/"),
        ("get", f"/contacts/{pk}/delete/"),
        ("post", f"/contacts/{pk}/delete/"),
    ]


@pytest.mark.parametrize("persona", [r for r in Role if r != Role.PEER_SUPPORTER])
def test_every_contacts_page_denies_roles_other_than_peer_supporter_2011_6_7(
    persona, users, agency, me, client_for
):
    contact = logged(agency, me, follow_up_days=1)
    client = client_for(persona)
    for method, url in contact_urls(contact.pk):
        response = getattr(client, method)(url, form_data(agency) if method == "post" else None)
        assert response.status_code == 403, (persona, method, url)
        assert b"Grief" not in response.content
    assert Contact.objects.count() == 1


@pytest.mark.parametrize("persona", ["norole", "outsider"])
def test_every_contacts_page_denies_users_outside_the_agency(persona, agency, me, client_for):
    contact = logged(agency, me)
    client = client_for(persona)
    for method, url in contact_urls(contact.pk):
        assert getattr(client, method)(url).status_code == 403, (persona, method, url)


def test_anonymous_visitors_are_sent_to_log_in(agency, me):
    contact = logged(agency, me)
    for method, url in contact_urls(contact.pk):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_answers_never_travel_in_a_url_and_every_write_is_a_post(psp, agency, me):
    # A GET with answers in the query string stores nothing.
    assert psp.get(LOG, form_data(agency)).status_code == 200
    assert Contact.objects.count() == 0
    contact = logged(agency, me, follow_up_days=1)
    reminder = FollowUpReminder.objects.get()
    assert psp.get(f"/contacts/{reminder.pk}/follow-up-done/").status_code == 405
    # Every redirect after a write is a bare path.
    for response in (
        psp.post(LOG, form_data(agency)),
        psp.post(f"/contacts/{contact.pk}/edit/", form_data(agency)),
        psp.post(f"/contacts/{reminder.pk}/follow-up-done/"),
    ):
        assert response.status_code == 302 and "?" not in response["Location"]
    for url in (LOG, f"/contacts/{contact.pk}/edit/", MINE):
        html = psp.get(url).content.decode()
        assert 'method="get"' not in html.lower()


def test_a_post_without_a_csrf_token_is_refused(users, agency):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.PEER_SUPPORTER])
    assert client.post(LOG, form_data(agency)).status_code == 403
    assert Contact.objects.count() == 0


def test_support_during_investigation_or_discipline_is_a_category_with_its_caution_2011_3_10(
    psp, agency
):
    html = psp.get(LOG).content.decode()
    assert 'value="investigation_discipline"' in html
    assert "Support during investigation or discipline" in html
    assert 'id="discipline-caution"' in html  # the §3.10 caution, read with the limits
    response = psp.post(LOG, form_data(agency, activity="investigation_discipline"))
    assert response.status_code == 302
    assert Contact.objects.get().activity == "investigation_discipline"


def _limits_read(client, url):
    """The page, and how many statements returned the agency's limits of confidentiality."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    fetched = [query["sql"] for query in queries.captured_queries]
    limits = sum(sql.startswith('SELECT "governance_confidentialityexception".') for sql in fetched)
    return response.content.decode(), limits


def test_the_form_reads_the_limits_once_for_the_card_and_the_procedures_issue_18(psp, agency, me):
    """The exception question, its procedures, the read-aloud list, the law and caution and the
    card in a family's words (the agency serves families and retirees) all come from the one
    list of active limits (2011 §6.2–§6.4): 1 read. Correcting a contact shows no card: 1 as
    well, for the question and its procedures."""
    assert agency.serves_families and agency.serves_retirees
    labels = [limit.label for limit in agency.confidentiality_exceptions.filter(retired_at=None)]
    assert labels
    html, limits = _limits_read(psp, LOG)
    assert limits == 1
    said = html[html.index('id="limits-statement"') : html.index('id="family-card"')]
    family = html[html.index('id="family-card"') :]
    family = family[: family.index("</details>")]
    for label in labels:
        assert f"<li>{label}</li>" in said and f"<li>{label}</li>" in family
    assert 'id="discipline-caution"' in said
    contact = logged(agency, me)
    html, limits = _limits_read(psp, f"/contacts/{contact.pk}/edit/")
    assert limits == 1 and 'id="limits-statement"' not in html
