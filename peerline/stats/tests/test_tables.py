"""The fixed tables of a release, counted from the contact log (IACP 2011 §3.1)."""

from collections import Counter

import pytest

from peerline.agencies.models import Category, JobFamily
from peerline.contacts.models import Activity, Contact, Referral
from peerline.stats import disclosure, tables
from peerline.testing import personas as p

from .test_releases import add_contacts, previous_quarter

FIXED = [
    ("activity", "activity", True),
    ("recipient_group", "recipient_group", True),
    ("mode", "mode", True),
    ("initiated_by", "initiated_by", True),
    ("duration", "duration", True),
    ("referrals", "referral", False),
    ("limits_explained", "limits_explained", True),
    ("confidentiality_exception", "exception_category", True),
    ("role_conflict", "role_conflict", True),
    ("prior_contacts", "prior_contacts", True),
]


def grow(agency, sworn: int, civilian: int) -> None:
    """Add current employees so the agency has at least these many of each category."""
    comm = agency.divisions.get(code="COMM")
    for i in range(sworn):
        p.make_employee(agency, f"S{i:04d}")
    for i in range(civilian):
        p.make_employee(
            agency,
            f"C{i:04d}",
            category=Category.CIVILIAN,
            job_family=JobFamily.RECORDS,
            division=comm,
        )


def test_the_tables_are_fixed_one_dimension_each_and_never_per_psp_2011_3_1(agency, users):
    counts = tables.count(agency=agency, period=previous_quarter(agency), split=True)
    built = tables.to_tables(counts)
    assert [(t.name, t.dimensions[0], t.partition) for t in built] == FIXED
    dimensions = {d for t in built for d in t.dimensions}
    assert not dimensions & {"peer_supporter", "psp", "month", "day", "division", "shift"}
    # Every category is present, zeros included, in a fixed order.
    assert list(counts["activity"]) == list(Activity.values)
    assert list(counts["referrals"]) == list(Referral.values)
    assert list(counts["limits_explained"]) == ["yes", "no"]
    assert sum(counts["activity"].values()) == 0


def test_it_counts_every_table_in_one_query(agency, users, django_assert_num_queries):
    add_contacts(agency, users, previous_quarter(agency), 30, seed=3)
    with django_assert_num_queries(1):
        tables.count(agency=agency, period=previous_quarter(agency), split=True)


def test_the_counts_match_the_contact_log(agency, users):
    period = previous_quarter(agency)
    add_contacts(agency, users, period, 120, seed=5)
    add_contacts(agency, users, "2001-Q1", 7, seed=6)  # another period: not counted
    counts = tables.count(agency=agency, period=period, split=True)
    rows = list(Contact.objects.filter(agency=agency, period=period).select_related("exception"))
    assert counts["activity"] == {a: Counter(c.activity for c in rows)[a] for a in Activity.values}
    assert counts["referrals"] == {
        r: sum(getattr(c, f"referral_{r}") for c in rows) for r in Referral.values
    }
    exceptions = Counter(c.exception.category if c.exception else "none" for c in rows)
    assert counts["confidentiality_exception"]["none"] == exceptions["none"]
    assert sum(counts["confidentiality_exception"].values()) == len(rows)
    for name, _, partition in FIXED:
        if partition:
            assert sum(counts[name].values()) == len(rows), name


def test_a_small_agency_gets_no_sworn_civilian_split_2011_3_1(agency, users):
    # The persona agency: 6 sworn, 2 civilian employees; k = 11.
    assert tables.employee_population(agency) == {"sworn": 6, "civilian": 2}
    assert not tables.split_employees(agency, agency.suppression_k)
    period = previous_quarter(agency)
    add_contacts(agency, users, period, 40, seed=1)
    counts = tables.count(agency=agency, period=period, split=False)
    groups = counts["recipient_group"]
    assert list(groups) == ["employee", "family", "retiree", "other_agency"]
    rows = Contact.objects.filter(agency=agency, period=period)
    assert groups["employee"] == rows.filter(recipient_group__in=["sworn", "civilian"]).count()


def test_the_split_needs_k_employees_of_each_category_2011_3_1(agency, chain):
    grow(agency, sworn=5, civilian=8)  # 11 sworn, 10 civilian
    assert not tables.split_employees(agency, 11)
    assert tables.split_employees(agency, 10)
    p.make_employee(
        agency, "C9999", category=Category.CIVILIAN, division=agency.divisions.get(code="COMM")
    )
    assert tables.split_employees(agency, 11)
    # Separated employees do not count.
    agency.employees.filter(employee_number="C9999").update(separated_on="2020-01-01")
    assert not tables.split_employees(agency, 11)


def test_year_counts_merge_quarters_of_either_shape():
    split = {
        "recipient_group": {"sworn": 2, "civilian": 3, "family": 1, "retiree": 0, "other_agency": 0}
    }
    merged = {"recipient_group": {"employee": 4, "family": 0, "retiree": 2, "other_agency": 1}}
    others = {name: {} for name, _, _ in FIXED if name != "recipient_group"}
    total = tables.add([{**split, **others}, {**merged, **others}], split=False)
    assert total["recipient_group"] == {"employee": 9, "family": 1, "retiree": 2, "other_agency": 1}


def test_the_tables_are_accepted_by_protect(agency, users):
    period = previous_quarter(agency)
    add_contacts(agency, users, period, 60, seed=2)
    built = tables.to_tables(tables.count(agency=agency, period=period, split=False))
    release = disclosure.protect(built, k=agency.suppression_k)
    for table in release.tables:
        for row in table.rows:
            assert row.suppressed or row.count == 0 or row.count >= agency.suppression_k


@pytest.mark.parametrize("spec", tables.SPECS, ids=lambda spec: spec.name)
def test_every_category_has_words(spec):
    for split in (True, False):
        for cell in spec.cells(split):
            assert tables.label(spec.name, cell.value) not in {"", cell.value}
