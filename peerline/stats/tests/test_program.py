"""The coordinator's utilization data: counts per PSP and per month; what the contacts were only
agency-wide, for closed periods, protected as released (2011 §3.9, §3.1, §7.2).

Only the coordinator may see them (per-PSP figures never reach command staff, 2011 §3.1), and
only as counts: no contact row is ever shown.
"""

import csv
import io
import re
from datetime import date

import pytest
from django.test import Client

from peerline.accounts.models import Role
from peerline.agencies import clock, periods
from peerline.contacts.models import Activity, Contact
from peerline.governance.models import ConfidentialityException
from peerline.stats import charts, program
from peerline.stats.program_views import FORMULA_START, share
from peerline.testing import personas as p

TODAY = date(2026, 3, 16)
SUMMARY_QUERIES = 4


def log(agency, psp, month, period=None, **fields):
    """One contact as `contact_log` stores it; `period` is the month's quarter unless given."""
    values = {
        "activity": Activity.GENERAL_STRESS,
        "recipient_group": "sworn",
        "mode": "phone",
        "initiated_by": "self",
        "duration": "15-30",
        "limits_explained": True,
        "role_conflict": False,
        "prior_contacts": "first",
        **fields,
    }
    return Contact.objects.create(
        agency=agency,
        peer_supporter=psp,
        month=month,
        period=period or periods.quarter_of(month),
        **values,
    )


@pytest.fixture
def team(agency, chain, users):
    """Three PSPs: one with an employee record, one without, and one who logged nothing."""
    named = p.make_user("psp-2001", agency, Role.PEER_SUPPORTER, employee=chain.officer)
    quiet = p.make_user("psp-2002", agency, Role.PEER_SUPPORTER, employee=chain.officer2)
    return {"named": named, "bare": users[Role.PEER_SUPPORTER], "quiet": quiet}


@pytest.fixture
def quarter(agency, team, other_agency):
    """2026-Q1: four contacts of the team, and contacts that must not count."""
    threat = ConfidentialityException.objects.get(agency=agency, category="threat_to_self")
    named, bare = team["named"], team["bare"]
    log(agency, named, date(2026, 1, 1), referral_mental_health=True, referral_eap=True)
    log(
        agency,
        named,
        date(2026, 1, 1),
        activity=Activity.POST_CRITICAL_INCIDENT,
        exception=threat,
    )
    log(agency, named, date(2026, 2, 1), limits_explained=False)
    log(
        agency,
        bare,
        date(2026, 3, 1),
        activity=Activity.GRIEF,
        role_conflict=True,
        referral_chaplain=True,
    )
    # Another quarter, and another agency: not counted.
    log(agency, named, date(2025, 12, 1))
    outsider = p.make_user("psp-other", other_agency, Role.PEER_SUPPORTER)
    log(other_agency, outsider, date(2026, 1, 1))
    return "2026-Q1"


def counts(table):
    return {row.label: row.count for row in table.rows}


def test_it_counts_per_psp_activity_and_month_2011_3_9(agency, quarter):
    summary = program.program_summary(agency=agency, period=quarter, today=TODAY)

    assert summary.contacts == 4
    # Named from the employee record, else the username; a PSP who logged nothing shows 0.
    assert [(row.label, row.count) for row in summary.per_peer_supporter.rows] == [
        ("First2001 Last2001", 3),
        ("persona-peer_supporter", 1),
        ("First2002 Last2002", 0),
    ]
    assert [(row.value, row.label, row.count) for row in summary.per_month.rows] == [
        ("2026-01", "January 2026", 2),
        ("2026-02", "February 2026", 1),
        ("2026-03", "March 2026", 1),
    ]
    for table in (summary.per_month, summary.per_peer_supporter):
        assert table.partition and table.total == summary.contacts


def test_an_open_period_shows_no_answer_of_any_contact_2011_7_2(agency, quarter):
    """Counts of contacts only: no activity, referral, exception, role conflict or rate."""
    summary = program.program_summary(agency=agency, period=quarter, today=TODAY)
    assert summary.released is None
    assert [t.key for t in summary.tables] == ["contacts_per_month", "contacts_per_peer_supporter"]
    assert not hasattr(summary, "role_conflicts") and not hasattr(summary, "per_activity")


def test_a_year_is_its_four_quarters_and_late_contacts_count_where_reported_2011_3_9(agency, team):
    named = team["named"]
    for month in (1, 4, 7, 10):
        log(agency, named, date(2025, month, 1))
    # Logged for December 2025 after 2025-Q4 closed: it counts in 2026-Q1 (agencies.periods).
    log(agency, named, date(2025, 12, 1), period="2026-Q1")

    year = program.program_summary(agency=agency, period="2025", today=TODAY)
    assert year.quarters == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert year.contacts == 4
    assert len(year.per_month.rows) == 12
    assert [row.count for row in year.per_month.rows if row.count] == [1, 1, 1, 1]

    q1 = program.program_summary(agency=agency, period="2026-Q1", today=TODAY)
    assert q1.contacts == 1
    assert [(row.label, row.count, row.muted) for row in q1.per_month.rows] == [
        ("December 2025 (logged late)", 1, True),
        ("January 2026", 0, False),
        ("February 2026", 0, False),
        ("March 2026", 0, False),
    ]
    assert program.program_periods(agency=agency) == [
        "2026-Q1",
        "2025-Q4",
        "2025-Q3",
        "2025-Q2",
        "2025-Q1",
        "2026",
        "2025",
    ]


def test_an_empty_period_has_zeros_and_no_rate_2011_3_9(agency, team):
    summary = program.program_summary(agency=agency, period="2024-Q2", today=TODAY)
    assert summary.contacts == 0
    assert {row.count for row in summary.per_peer_supporter.rows} == {0}
    assert len(summary.per_month.rows) == 3


def test_the_months_still_to_come_are_not_shown_as_zeros(agency, team):
    summary = program.program_summary(agency=agency, period="2026", today=TODAY)
    assert [row.value for row in summary.per_month.rows] == ["2026-01", "2026-02", "2026-03"]


def test_it_rejects_a_period_that_is_not_a_quarter_or_a_year(agency):
    with pytest.raises(ValueError):
        program.program_summary(agency=agency, period="2026-03")


def test_the_summary_takes_a_fixed_number_of_queries(
    agency, quarter, team, django_assert_num_queries
):
    with django_assert_num_queries(SUMMARY_QUERIES):
        program.program_summary(agency=agency, period=quarter, today=TODAY)
    for month in (1, 2, 3) * 20:
        log(agency, team["quiet"], date(2026, month, 1), referral_eap=True)
    with django_assert_num_queries(SUMMARY_QUERIES):
        summary = program.program_summary(agency=agency, period=quarter, today=TODAY)
    assert summary.contacts == 64


# -- the charts ----------------------------------------------------------------------------------


def test_a_bar_chart_scales_its_longest_bar_to_the_width():
    chart = charts.bar_chart(
        [charts.Item("Ann", 10), charts.Item("Bo", 5), charts.Item("Cy", 0)],
        key="c",
        title="Contacts",
    )
    widths = [bar.width for bar in chart.bars]
    assert widths[0] == pytest.approx(chart.width - chart.bars[0].x - charts.VALUE_ROOM, abs=0.1)
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.1)
    assert widths[2] == 0
    assert [text.text for bar in chart.bars for text in bar.texts] == [
        "Ann", "10", "Bo", "5", "Cy", "0",
    ]  # fmt: skip
    ys = [bar.y for bar in chart.bars]
    assert ys == sorted(ys) and chart.height > ys[-1] + chart.bars[-1].height
    assert chart.desc.startswith("15 contacts in all; most: Ann, 10; fewest: Cy, 0.")


def test_a_bar_chart_puts_long_labels_above_their_bars():
    long = charts.Item(Activity.ON_SCENE.label, 3)
    chart = charts.bar_chart([long, charts.Item("Grief", 1)], key="c", title="t")
    bar = chart.bars[0]
    label = bar.texts[0]
    assert bar.x == 0 and label.x == 0 and label.y < bar.y
    assert bar.width == pytest.approx(chart.width - charts.VALUE_ROOM, abs=0.1)


def test_a_column_chart_draws_months_and_years():
    items = [
        charts.Item("December 2025", 4, tick="Dec", group="2025"),
        charts.Item("January 2026", 8, tick="Jan", group="2026"),
        charts.Item("February 2026", 0, tick="Feb", group="2026"),
    ]
    chart = charts.column_chart(items, key="m", title="Contacts per month")
    heights = [bar.height for bar in chart.bars]
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.1) and heights[2] == 0
    base = chart.axis[1]
    assert all(bar.y + bar.height == pytest.approx(base, abs=0.1) for bar in chart.bars)
    assert [text.text for text in chart.texts] == ["2025", "2026"]
    assert [bar.texts[1].text for bar in chart.bars] == ["Dec", "Jan", "Feb"]
    assert "most: January 2026, 8" in chart.desc


def test_a_chart_of_nothing_says_so():
    assert charts.bar_chart([], key="e", title="t").desc == "No contacts."
    chart = charts.column_chart([charts.Item("May", 0)], key="e", title="t")
    assert chart.desc == "No contacts in any of the 1 categories."
    assert chart.bars[0].height == 0


# -- the page and the CSV ------------------------------------------------------------------------


@pytest.fixture
def coordinator(client_for):
    return client_for(Role.COORDINATOR)


def test_the_page_shows_charts_and_the_same_numbers_in_tables_2011_3_9(coordinator, quarter):
    response = coordinator.get("/stats/program/", {"period": quarter})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    svgs = re.findall(r"<svg\b[^>]*>.*?</svg>", html, re.S)
    assert len(svgs) == 2  # month, peer supporter
    for svg in svgs:
        assert 'role="img"' in svg
        title = re.search(r'<title id="([\w-]+)">([^<]+)</title>', svg)
        desc = re.search(r'<desc id="([\w-]+)">([^<]+)</desc>', svg)
        assert title and desc
        assert f'aria-labelledby="{title[1]} {desc[1]}"' in svg
        assert "Q1 2026" in title[2]
        assert "<rect" in svg
    # The tables hold the same numbers as the charts.
    assert re.search(r'<th scope="row">First2001 Last2001</th><td class="text-right">3</td>', html)
    assert re.search(r'<th scope="row">January 2026</th><td class="text-right">2</td>', html)
    assert "Threat to self" not in html and "Shown once Q1 2026" in html
    # The Content-Security-Policy allows no inline style or script.
    assert " style=" not in html and "<script>" not in html
    assert 'name="period"' in html and 'value="2026-Q1" selected' in html
    assert "/stats/program.csv?period=2026-Q1" in html


def test_the_page_shows_the_newest_quarter_by_default_2011_3_9(coordinator, quarter):
    response = coordinator.get("/stats/program/")
    assert response.status_code == 200
    assert response.context["period"] == "2026-Q1"
    assert [value for value, _ in response.context["quarter_choices"]] == ["2026-Q1", "2025-Q4"]
    assert [value for value, _ in response.context["year_choices"]] == ["2026", "2025"]
    year = coordinator.get("/stats/program/", {"period": "2025"})
    assert year.context["summary"].contacts == 1


def test_the_page_of_an_agency_without_contacts_2011_3_9(coordinator, agency):
    response = coordinator.get("/stats/program/")
    assert response.status_code == 200
    assert response.context["period"] == periods.quarter_of(clock.local_today(agency))
    assert b"No contacts were logged" in response.content


@pytest.mark.parametrize("url", ["/stats/program/", "/stats/program.csv"])
@pytest.mark.parametrize("period", ["2026-03", "Q1", "2026-Q5", "x" * 50])
def test_it_answers_404_for_a_period_that_is_not_one(coordinator, url, period):
    assert coordinator.get(url, {"period": period}).status_code == 404


def test_the_csv_holds_the_same_tables_2011_3_9(coordinator, agency, quarter):
    response = coordinator.get("/stats/program.csv", {"period": quarter})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="peerline-utilization-TEST-2026-Q1.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["table", "dimension", "value", "count"]
    found = {(table, value): int(count) for table, _, value, count in rows[1:]}
    assert len(found) == len(rows) - 1  # no row twice
    assert found[("totals", "contacts")] == 4
    assert found[("contacts_per_month", "2026-01")] == 2
    assert found[("contacts_per_peer_supporter", "First2001 Last2001")] == 3
    assert found[("contacts_per_peer_supporter", "First2002 Last2002")] == 0
    assert {row[0] for row in rows[1:]} == {
        "totals",
        "contacts_per_month",
        "contacts_per_peer_supporter",
    }
    # The page and the CSV come from the same summary.
    summary = program.program_summary(agency=agency, period=quarter)
    assert len(rows) - 1 == 1 + sum(len(table.rows) for table in summary.tables)


def test_the_csv_never_starts_a_cell_with_a_formula(coordinator, agency, quarter):
    evil = p.make_user("=HYPERLINK(1)", agency, Role.PEER_SUPPORTER)
    log(agency, evil, date(2026, 1, 1))
    rows = list(csv.reader(io.StringIO(coordinator.get("/stats/program.csv").content.decode())))
    values = [row[2] for row in rows[1:]]
    assert "'=HYPERLINK(1)" in values
    assert not any(value.startswith(FORMULA_START) for value in values)


@pytest.mark.parametrize("url", ["/stats/program/", "/stats/program.csv"])
@pytest.mark.parametrize(
    "role", [role for role in Role if role != Role.COORDINATOR], ids=lambda role: role.value
)
def test_only_the_coordinator_sees_utilization_data_2011_3_1(users, quarter, url, role):
    client = Client()
    client.force_login(users[role])
    response = client.get(url, {"period": quarter})
    assert response.status_code == 403
    assert b"First2001" not in response.content


@pytest.mark.parametrize("url", ["/stats/program/", "/stats/program.csv"])
def test_another_agencys_coordinator_sees_only_their_own_2011_3_1(client_for, quarter, url):
    response = client_for("outsider").get(url, {"period": quarter})
    assert response.status_code == 200
    assert b"First2001" not in response.content and b"persona-peer" not in response.content
    if url.endswith(".csv"):
        assert b"totals,measure,contacts,1\r\n" in response.content  # their own one contact


def test_the_page_takes_a_bounded_number_of_queries(
    coordinator, agency, quarter, team, django_assert_max_num_queries
):
    with django_assert_max_num_queries(SUMMARY_QUERIES + 12):
        coordinator.get("/stats/program/", {"period": quarter})
    for month in (1, 2, 3) * 20:
        psp = p.make_user(
            f"psp-extra-{month}-{Contact.objects.count()}", agency, Role.PEER_SUPPORTER
        )
        log(agency, psp, date(2026, month, 1))
    with django_assert_max_num_queries(SUMMARY_QUERIES + 12):
        response = coordinator.get("/stats/program/", {"period": quarter})
    assert response.context["summary"].contacts == 64


def test_shares_never_round_a_count_down_to_zero_percent():
    assert [share(0, 440), share(1, 440), share(3, 440), share(1, 4), share(0, 0)] == [
        "0%", "<1%", "1%", "25%", "—",
    ]  # fmt: skip
