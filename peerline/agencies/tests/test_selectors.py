import pytest

from peerline.agencies.selectors import roster
from peerline.testing.personas import make_agency, make_employee

pytestmark = pytest.mark.django_db


def test_the_roster_search_matches_a_name_start_or_a_whole_number():
    agency = make_agency("PD")
    clarke = make_employee(agency, "1041", last_name="Clarke", first_name="Dana")
    make_employee(agency, "2041", last_name="Moss", first_name="Clark")
    make_employee(agency, "3000", last_name="Ng", first_name="Ari")

    assert {e.last_name for e in roster(agency=agency, search="clark")} == {"Clarke", "Moss"}
    assert list(roster(agency=agency, search="Clarke Dana")) == [clarke]
    assert list(roster(agency=agency, search="104")) == []  # a number matches whole
    assert list(roster(agency=agency, search="1041")) == [clarke]


def test_a_nul_in_the_search_is_dropped_not_sent_to_the_database():
    """PostgreSQL refuses a NUL in a query; the form fuzzing posted one to the incident form."""
    agency = make_agency("PD")
    clarke = make_employee(agency, "1041", last_name="Clarke")

    assert list(roster(agency=agency, search="Cla\x00rke")) == [clarke]
    assert list(roster(agency=agency, search="\x00")) == list(roster(agency=agency))
