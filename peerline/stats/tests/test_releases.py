"""Closing periods and releasing their frozen reports (IACP 2011 §3.1; 2006 Administration 1)."""

import json
import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from peerline.accounts.models import Role
from peerline.agencies import clock, periods
from peerline.agencies.models import Category
from peerline.contacts import services as contact_services
from peerline.contacts.models import (
    Activity,
    Contact,
    Duration,
    InitiatedBy,
    Mode,
    PriorContacts,
    RecipientGroup,
    Referral,
)
from peerline.stats import disclosure, release_format, releases, tables
from peerline.stats.models import ClosedPeriod, ThresholdChange
from peerline.testing import personas as p

# --------------------------------------------------------------------------------------------
# Helpers, shared with test_tables and test_api
# --------------------------------------------------------------------------------------------


def previous_quarter(agency, back: int = 1) -> str:
    """The quarter `back` quarters before the current one (always ended)."""
    today = clock.local_today(agency)
    index = today.year * 4 + (today.month - 1) // 3 - back
    return f"{index // 4}-Q{index % 4 + 1}"


def first_month(period: str) -> date:
    year, quarter = periods.parse(period)
    return date(year, 3 * (quarter or 1) - 2, 1)


def add_contacts(agency, users, period: str, n: int, *, seed: int = 0, **fixed) -> None:
    """`n` contacts counted in `period`: random answers unless given in `fixed`."""
    rng = random.Random(seed)
    exceptions = list(agency.confidentiality_exceptions.all())
    psp = users[Role.PEER_SUPPORTER]
    rows = []
    for _ in range(n):
        values = {
            "activity": rng.choice(Activity.values),
            "recipient_group": rng.choice(RecipientGroup.values),
            "mode": rng.choice(Mode.values),
            "initiated_by": rng.choice(InitiatedBy.values),
            "duration": rng.choice(Duration.values),
            "prior_contacts": rng.choice(PriorContacts.values),
            "limits_explained": rng.random() < 0.9,
            "role_conflict": rng.random() < 0.05,
            "exception": rng.choice(exceptions) if rng.random() < 0.1 else None,
            **{f"referral_{r}": rng.random() < 0.2 for r in Referral.values},
        }
        values.update(fixed)
        rows.append(
            Contact(
                agency=agency,
                peer_supporter=psp,
                month=first_month(period),
                period=period,
                **values,
            )
        )
    Contact.objects.bulk_create(rows)


PLAIN = {
    "recipient_group": "family",
    "mode": "in_person",
    "initiated_by": "self",
    "duration": "30-60",
    "prior_contacts": "first",
    "limits_explained": True,
    "role_conflict": False,
    "exception": None,
    **{f"referral_{r}": False for r in Referral.values},
}
"""Contacts alike in everything but what a test sets: every other table has one non-zero cell."""


def published(data: dict) -> dict:
    return {
        (t["name"], row["dims"][t["dimensions"][0]]): row["count"]
        for t in data["tables"]
        for row in t["rows"]
    }


def linked_quarters(agency, year: str) -> disclosure.LinkedRelease:
    parts = []
    for quarter in periods.quarters_of(year):
        data = json.loads(releases.release_for(agency=agency, period=quarter))
        parts.append((quarter, release_format.release_from_payload(data)))
    return disclosure.LinkedRelease(parts=tuple(parts))


def contact_data(month: date) -> dict:
    return {
        "month": f"{month:%Y-%m}",
        "activity": "grief",
        "recipient_group": "retiree",
        "mode": "phone",
        "initiated_by": "self",
        "duration": "15-30",
        "referrals": [],
        "limits_explained": True,
        "role_conflict": False,
        "prior_contacts": "first",
    }


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


# --------------------------------------------------------------------------------------------
# Closing a quarter
# --------------------------------------------------------------------------------------------


def test_a_closed_report_is_frozen_and_late_entries_count_in_the_open_period_2011_3_1(
    agency, users, coordinator
):
    period = previous_quarter(agency)
    add_contacts(agency, users, period, 80, seed=1)
    closed = releases.period_close(agency=agency, period=period, acting_user=coordinator)
    first = releases.release_for(agency=agency, period=period)
    assert first == bytes(closed.release_json)
    assert json.loads(first)["threshold"] == 11 and closed.closed_by == coordinator

    late = contact_services.contact_log(
        agency=agency,
        peer_supporter=users[Role.PEER_SUPPORTER],
        data=contact_data(first_month(period)),
    )
    current = periods.quarter_of(clock.local_today(agency))
    assert late.period == current != period
    assert releases.release_for(agency=agency, period=period) == first
    counts = tables.count(agency=agency, period=current, split=False)
    assert counts["activity"]["grief"] == 1
    # Closing again changes nothing (idempotent).
    again = releases.period_close(agency=agency, period=period, acting_user=coordinator)
    assert again.pk == closed.pk and bytes(again.release_json) == first
    assert ClosedPeriod.objects.filter(agency=agency, period=period).count() == 1


def test_small_counts_are_suppressed_and_none_can_be_recovered_2011_3_1(agency, users, coordinator):
    period = previous_quarter(agency)
    add_contacts(agency, users, period, 150, seed=7)
    closed = releases.period_close(agency=agency, period=period, acting_user=coordinator)
    data = json.loads(bytes(closed.release_json))
    for count in published(data).values():
        assert count is None or count == 0 or count >= 11
    assert any(count is None for count in published(data).values())
    counts = closed.cell_counts
    bounds = disclosure.audit(release_format.release_from_payload(data), tables.to_tables(counts))
    assert disclosure.pinned_values(bounds) == []


def test_only_an_ended_quarter_can_be_closed(agency, coordinator):
    current = periods.quarter_of(clock.local_today(agency))
    with pytest.raises(release_format.PeriodError, match="has not ended yet"):
        releases.period_close(agency=agency, period=current, acting_user=coordinator)
    with pytest.raises(release_format.PeriodError, match="four"):
        releases.period_close(agency=agency, period=current[:4], acting_user=coordinator)
    for bad in ["2026-Q5", "2026-07", "last month", "", "0000-Q1"]:
        with pytest.raises(release_format.BadPeriod):
            releases.period_close(agency=agency, period=bad, acting_user=coordinator)
    assert not ClosedPeriod.objects.exists()


def test_an_open_period_is_not_released_2011_3_1(agency):
    current = periods.quarter_of(clock.local_today(agency))
    with pytest.raises(release_format.NotReleased) as refused:
        releases.release_for(agency=agency, period=current)
    assert str(refused.value) == releases.OPEN_MESSAGE
    with pytest.raises(release_format.NotReleased, match="still open"):
        releases.release_for(agency=agency, period=previous_quarter(agency))
    with pytest.raises(release_format.NotReleased, match="four quarters"):
        releases.release_for(agency=agency, period=current[:4])


def test_an_empty_quarter_closes_with_zeros(agency, coordinator):
    closed = releases.period_close(
        agency=agency, period=previous_quarter(agency), acting_user=coordinator
    )
    data = json.loads(bytes(closed.release_json))
    assert set(published(data).values()) == {0}
    assert all(t["total"] in (0, None) for t in data["tables"])


def test_another_agencys_release_is_not_served(agency, other_agency, users, coordinator):
    period = previous_quarter(agency)
    releases.period_close(agency=other_agency, period=period, acting_user=None)
    with pytest.raises(release_format.NotReleased):
        releases.release_for(agency=agency, period=period)


# --------------------------------------------------------------------------------------------
# Years
# --------------------------------------------------------------------------------------------


def test_a_year_is_released_when_its_four_quarters_close_and_pins_no_cell_2011_3_1(
    agency, users, coordinator
):
    year = str(clock.local_today(agency).year - 1)
    quarters = periods.quarters_of(year)
    for i, quarter in enumerate(quarters):
        add_contacts(agency, users, quarter, 40, activity="general_stress", **PLAIN)
        add_contacts(agency, users, quarter, 3 if i == 0 else 20, activity="grief", **PLAIN)
    for quarter in quarters[:3]:
        releases.period_close(agency=agency, period=quarter, acting_user=coordinator)
        with pytest.raises(release_format.NotReleased, match=quarters[3]):
            releases.release_for(agency=agency, period=year)
    releases.period_close(agency=agency, period=quarters[3], acting_user=coordinator)
    frozen = ClosedPeriod.objects.get(agency=agency, period=year)  # frozen with its last quarter

    body = releases.release_for(agency=agency, period=year)
    assert body == bytes(frozen.release_json) == releases.release_for(agency=agency, period=year)
    data = json.loads(body)
    assert data["period"] == year
    year_tables = tables.to_tables(frozen.cell_counts)
    assert frozen.cell_counts["activity"]["grief"] == 63
    link = linked_quarters(agency, year)
    q1 = published(json.loads(releases.release_for(agency=agency, period=quarters[0])))
    assert q1[("activity", "grief")] is None  # 3 < 11

    bounds = disclosure.audit(release_format.release_from_payload(data), year_tables, [link])
    assert disclosure.pinned_values(bounds) == []
    # Publishing the year's 63 would give away the first quarter's 3 (63 - 3 × 20).
    assert published(data)[("activity", "grief")] is None
    naive = disclosure.protect(year_tables, k=11)
    leaks = disclosure.pinned_values(disclosure.audit(naive, year_tables, [link]))
    assert (f"{quarters[0]}/activity", ("grief",)) in leaks


def test_a_year_sums_its_quarters_even_if_contacts_are_deleted_later(agency, users, coordinator):
    year = str(clock.local_today(agency).year - 1)
    for quarter in periods.quarters_of(year):
        add_contacts(agency, users, quarter, 30, seed=int(quarter[-1]))
        releases.period_close(agency=agency, period=quarter, acting_user=coordinator)
    ClosedPeriod.objects.filter(agency=agency, period=year).delete()
    Contact.objects.filter(agency=agency).delete()  # e.g. a PSP's account removed (CASCADE)
    releases.agency_close_due(agency=agency)  # the scheduled job freezes the year again
    data = json.loads(releases.release_for(agency=agency, period=year))
    assert data["tables"][0]["total"] in (120, None)


def test_a_year_links_quarters_released_before_the_agency_shrank_2011_3_1(
    agency, chain, users, coordinator
):
    for i in range(11):
        p.make_employee(agency, f"S{i}")
        p.make_employee(
            agency, f"C{i}", category=Category.CIVILIAN, division=agency.divisions.get(code="COMM")
        )
    year = str(clock.local_today(agency).year - 1)
    quarters = periods.quarters_of(year)
    # First quarter: sworn 3 and civilian 4 are both hidden, so their sum is known (7).
    add_contacts(
        agency, users, quarters[0], 3, activity="grief", **{**PLAIN, "recipient_group": "sworn"}
    )
    add_contacts(
        agency, users, quarters[0], 4, activity="grief", **{**PLAIN, "recipient_group": "civilian"}
    )
    add_contacts(agency, users, quarters[0], 40, activity="grief", **PLAIN)
    add_contacts(agency, users, quarters[1], 50, seed=4)
    for quarter in quarters[:2]:
        releases.period_close(agency=agency, period=quarter, acting_user=coordinator)
        groups = published(json.loads(releases.release_for(agency=agency, period=quarter)))
        assert ("recipient_group", "sworn") in groups
    agency.employees.filter(category=Category.CIVILIAN).update(separated_on="2020-01-01")
    for quarter in quarters[2:]:
        add_contacts(agency, users, quarter, 50, seed=int(quarter[-1]))
        releases.period_close(agency=agency, period=quarter, acting_user=coordinator)
        groups = published(json.loads(releases.release_for(agency=agency, period=quarter)))
        assert ("recipient_group", "employee") in groups

    frozen = ClosedPeriod.objects.get(agency=agency, period=year)
    data = json.loads(bytes(frozen.release_json))
    assert ("recipient_group", "employee") in published(data)
    assert ("recipient_group", "sworn") not in published(data)
    # The quarters are linked exactly as published: Q1's own sworn and civilian rows.
    parts = list(ClosedPeriod.objects.filter(agency=agency, period__in=quarters).order_by("period"))
    link = releases.linked_quarters(parts, split=False)
    first = next(t for t in link.parts[0][1].tables if t.name == "recipient_group")
    assert [row.dims["recipient_group"] for row in first.rows[:2]] == ["sworn", "civilian"]
    assert first.rows[0].suppressed and first.rows[1].suppressed
    bounds = disclosure.audit(
        release_format.release_from_payload(data), tables.to_tables(frozen.cell_counts), [link]
    )
    assert disclosure.pinned_values(bounds) == []
    assert disclosure.interval_violations(bounds, frozen.threshold) == []


# --------------------------------------------------------------------------------------------
# The threshold k
# --------------------------------------------------------------------------------------------


def test_k_below_5_is_refused_and_a_change_is_recorded_2011_3_1(agency, users, coordinator):
    for bad in [4, 0, -1, 2000, True, "7"]:
        with pytest.raises(ValidationError, match="at least|from 5"):
            releases.threshold_change(agency=agency, k=bad, acting_user=coordinator)
    assert not ThresholdChange.objects.exists()
    agency.refresh_from_db()
    assert agency.suppression_k == 11

    period = previous_quarter(agency, back=2)
    releases.period_close(agency=agency, period=period, acting_user=coordinator)
    before = releases.release_for(agency=agency, period=period)

    change = releases.threshold_change(agency=agency, k=5, acting_user=coordinator)
    assert change is not None
    assert (change.old_k, change.new_k, change.changed_by) == (11, 5, coordinator)
    agency.refresh_from_db()
    assert agency.suppression_k == 5
    assert releases.threshold_change(agency=agency, k=5, acting_user=coordinator) is None
    assert ThresholdChange.objects.count() == 1

    # A closed report keeps its k; the next one uses the new one.
    assert releases.release_for(agency=agency, period=period) == before
    later = previous_quarter(agency)
    add_contacts(agency, users, later, 30, activity="grief", **PLAIN)
    add_contacts(agency, users, later, 7, activity="career", **PLAIN)
    releases.period_close(agency=agency, period=later, acting_user=coordinator)
    data = json.loads(releases.release_for(agency=agency, period=later))
    assert data["threshold"] == 5
    assert published(data)[("activity", "career")] == 7


# --------------------------------------------------------------------------------------------
# The scheduled close
# --------------------------------------------------------------------------------------------


def test_quarters_close_after_a_14_day_grace_period(agency, other_agency, users):
    period = previous_quarter(agency, back=2)
    add_contacts(agency, users, period, 12, seed=9)
    end = periods.last_day(period)

    releases.periods_close_due(today=end + timedelta(days=14))
    assert not periods.is_closed(agency, period)
    closed = releases.periods_close_due(today=end + timedelta(days=15))
    assert periods.is_closed(agency, period) and periods.is_closed(other_agency, period)
    assert all(c.closed_by is None for c in closed)
    assert releases.periods_close_due(today=end + timedelta(days=15)) == []


def test_the_close_periods_command_closes_what_is_due(agency, users, capsys):
    period = previous_quarter(agency, back=2)
    add_contacts(agency, users, period, 5, seed=2)
    today = periods.last_day(period) + timedelta(days=20)
    call_command("close-periods", "--today", today.isoformat())
    assert f"{agency.code} {period}: closed" in capsys.readouterr().out
    call_command("close-periods", "--today", today.isoformat())
    assert "No period was due." in capsys.readouterr().out


def test_one_agencys_failure_does_not_hold_back_the_others(agency, other_agency, monkeypatch):
    period = previous_quarter(agency, back=2)
    real = releases.period_close

    def failing(*, agency, period, acting_user):
        if agency.code == "TEST":
            raise RuntimeError("boom")
        return real(agency=agency, period=period, acting_user=acting_user)

    monkeypatch.setattr(releases, "period_close", failing)
    today = periods.last_day(period) + timedelta(days=20)
    with pytest.raises(CommandError, match="TEST"):
        call_command("close-periods", "--today", today.isoformat())
    assert periods.is_closed(other_agency, period) and not periods.is_closed(agency, period)


def test_the_close_freezes_a_pdf(agency, coordinator):
    closed = releases.period_close(
        agency=agency, period=previous_quarter(agency), acting_user=coordinator
    )
    pdf = bytes(closed.release_pdf)
    assert pdf.startswith(b"%PDF") and releases.pdf_for(closed) == pdf
