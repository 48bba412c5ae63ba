"""`contains_name`: the check that keeps a person's name out of an incident's place (2011 §6.7)."""

import pytest

from peerline.core.validation import contains_name

ROSTER = [("Ann", "Lee"), ("José", "Núñez"), ("Mary-Kate", "O'Brien")]


@pytest.mark.parametrize(
    "text",
    [
        "near Ann Lee's house",
        "ANN LEE",
        "by ann   lee, east side",
        "(Ann Lee)",
        "josé núñez on 5th",
        "Mary Kate O Brien",  # the name's punctuation does not hide it
        "mary-kate o'brien",
    ],
)
def test_a_first_and_last_name_anywhere_is_found_2011_6_7(text):
    assert contains_name(text, ROSTER)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "East side, near the river",
        "Leeward Ann",  # the words in another order
        "Annlee Park",  # not whole words
        "Joanne Leeson Avenue",  # parts of words
        "Ann Leeds",
        "Lee Ann",
        "Jose Nunez",  # a different spelling is a different name to this check
    ],
)
def test_anything_else_passes(text):
    assert not contains_name(text, ROSTER)
