"""The topic catalogue of both editions and the mapping between them (2011 §8.3, 2006 Training 3)."""

from datetime import date

import pytest

from peerline.training import selectors, services
from peerline.training.models import TrainingTopic

pytestmark = pytest.mark.django_db


def _topic(edition: str, title: str) -> TrainingTopic:
    return TrainingTopic.objects.get(edition=edition, agency__isnull=True, title__startswith=title)


def test_every_topic_of_each_edition_is_loaded_2011_8_3_and_2006_training_3():
    new = list(selectors.edition_topics("2011"))
    old = list(selectors.edition_topics("2006"))
    assert len(new) == 24 and len(old) == 21
    assert [t.number for t in new] == [f"8.3.{n}" for n in range(1, 25)]
    assert [t.number for t in old] == [str(n) for n in range(1, 22)]
    assert new[0].title == "Confidentiality" and new[-1].title.startswith("Local Resources")
    assert old[18].title == "Trauma intervention"


def test_aids_maps_to_hiv_and_aids_both_ways_2011_8_3_16():
    aids = _topic("2006", "AIDS")
    hiv = _topic("2011", "HIV and AIDS")
    assert list(aids.equivalents.all()) == [hiv]
    assert list(hiv.equivalents.all()) == [aids]
    assert aids.number == "16" and hiv.number == "8.3.16"


def test_differently_worded_topics_are_mapped():
    pairs = [
        ("Burnout", "Burn-out"),
        ("Crisis management", "Crisis management intervention"),
        ("When to seek mental health", "When to seek licensed mental health"),
        ("Alcohol and substance abuse", "Alcohol and substance abuse"),
    ]
    for old, new in pairs:
        assert list(_topic("2006", old).equivalents.all()) == [_topic("2011", new)]


def test_trauma_intervention_is_only_in_2006_and_says_so():
    trauma = _topic("2006", "Trauma intervention")
    assert not trauma.equivalents.exists()
    assert "Only in 2006" in trauma.mapping_note


def test_military_local_resources_relationships_and_cism_are_only_in_2011():
    for title in ("Military support", "Local Resources", "Relationship issues", "Work-related"):
        topic = _topic("2011", title)
        assert not topic.equivalents.exists(), title
        assert "New in 2011" in topic.mapping_note, title


def test_every_edition_topic_is_mapped_or_explicitly_unmapped():
    for topic in TrainingTopic.objects.filter(agency__isnull=True):
        assert topic.equivalents.exists() or topic.mapping_note, topic
    assert TrainingTopic.equivalents.through.objects.count() == 2 * 20  # symmetric rows


def test_the_side_by_side_mapping_lists_every_topic_once():
    rows = selectors.edition_mapping()
    news = [row.new.number for row in rows if row.new]
    olds = [row.old.number for row in rows if row.old]
    assert sorted(news) == sorted(f"8.3.{n}" for n in range(1, 25))
    assert sorted(olds, key=int) == [str(n) for n in range(1, 22)]
    trauma = next(row for row in rows if row.old and row.old.title == "Trauma intervention")
    assert trauma.new is None
    # Placed after the 2011 topic that 2006 lists before it (crisis management).
    assert rows[rows.index(trauma) - 1].new.number == "8.3.18"


def test_the_catalogue_follows_the_agencys_edition_and_adds_its_own_topics_2011_8_1(agency):
    own = services.topic_add(agency=agency, title="Peer support after line-of-duty deaths", by=None)
    assert [t.number for t in selectors.catalogue(agency)][-2:] == ["8.3.24", "A1"]
    agency.guideline_edition = "2006"
    assert len(selectors.catalogue(agency)) == 22
    services.topic_retire(agency=agency, topic=own, on=date(2026, 1, 5))
    assert len(selectors.catalogue(agency)) == 21
