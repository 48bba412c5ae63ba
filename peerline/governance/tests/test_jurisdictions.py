"""The jurisdiction table (2011 §2.2.3; 2006 Philosophy: knowing state and federal law)."""

from datetime import date

from peerline.governance import jurisdictions

# The 50 states and the District of Columbia, written out here rather than read from the table.
EXPECTED = set(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
    ]
)


def test_every_state_and_dc_has_an_entry_2011_2_2_3():
    assert set(jurisdictions.states()) == EXPECTED
    assert len(EXPECTED) == 51


def test_every_confirmed_entry_has_a_citation_and_a_date():
    entries = [*jurisdictions.states().values(), jurisdictions.federal()]
    for entry in entries:
        assert entry.status in {"confirmed", "not confirmed"}, entry.code
        assert entry.privileged in {"yes", "no", "unknown"}, entry.code
        assert isinstance(entry.checked, date) and entry.checked.year >= 2026, entry.code
        if entry.confirmed:
            assert entry.citation.strip(), entry.code
            assert entry.privileged != "unknown", entry.code


def test_the_federal_rule_requires_written_notice_before_the_first_session():
    federal = jurisdictions.federal()
    assert federal.confirmed and "50901" in federal.citation
    assert any("written notice" in p and "first session" in p for p in federal.preconditions)


def test_an_unconfirmed_entry_says_so_rather_than_guessing():
    illinois = jurisdictions.for_state("IL")
    assert not illinois.confirmed
    assert "not confirmed" in illinois.summary


def test_an_unknown_code_never_answers_another_state():
    entry = jurisdictions.for_state("ZZ")
    assert entry.code == "ZZ" and not entry.confirmed
