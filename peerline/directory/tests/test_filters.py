"""The directory's filters read and shown without a form (issue 18): `read_filters` accepts and
refuses exactly what `DirectoryFilterForm` does, and `controls` shows what the form's widgets
would (2011 §3.6: an answer outside the lists is an error, never a silent "any"). The form is
the reference: its own queries and choices, Django's own validation."""

import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerline.agencies.models import Category, JobFamily
from peerline.directory.filters import controls, read_filters
from peerline.directory.selectors import DirectoryFilter, filter_lists
from peerline.directory.tests.reference_form import DirectoryFilterForm
from peerline.team.models import ExperienceArea, Language
from peerline.testing import personas as p

from .helpers import share_directory

TODAY = date(2026, 6, 15)
FIELDS = ("category", "job_family", "division", "shift", "language", "experience_area", "agency")


@pytest.fixture
def scene(agency, other_agency):
    """`agency`, a partner sharing its directory with it, and a third agency sharing nothing."""
    share_directory(other_agency, agency)
    third = p.make_agency(code="THIRD", name="Third Town Police")
    return {"agency": agency, "partner": other_agency, "third": third}


def _pool(scene):
    """Answers for any field: valid for one field or another, near misses, and junk."""
    ids = [
        str(pk)
        for owner in scene.values()
        for pk in [owner.pk, *owner.divisions.values_list("pk", flat=True)]
        + list(owner.shifts.values_list("pk", flat=True))
    ]
    near = [" 1", "1 ", "01", "+1", "-1", "0", "1.0", "1e1", "٣", "99999", str(2**70)]
    junk = ["", " ", "x", "Sworn", "SWORN", "any", "null", "None", "\x00", "é", "<b>", "[]"]
    codes = [*Category.values, *JobFamily.values, *Language.values, *ExperienceArea.values]
    return sorted({*ids, *near, *junk, *codes})


def _data(answers):
    data = QueryDict(mutable=True)
    for name, values in answers.items():
        data.setlist(name, values)
    return data


def _same(data, scene, *, partners):
    """Assert that the reader and the form agree on `data`; return the reading."""
    agency = scene["agency"]
    form = DirectoryFilterForm(data, agency=agency, partners=[scene["partner"]] if partners else [])
    lists = filter_lists(agency, today=TODAY, partners=partners)
    reading = read_filters(data, lists)
    if data is None:
        assert not form.is_bound and reading.filters == DirectoryFilter()
        return reading
    if form.is_valid():
        assert reading.filters == form.filters(), dict(data.lists())
        assert not reading.refused
    else:
        assert reading.filters is None, dict(data.lists())
        assert reading.refused == set(form.errors), dict(data.lists())
    return reading


@pytest.mark.parametrize("partners", [True, False])
def test_the_reader_accepts_and_refuses_what_the_form_does(scene, partners):
    """Each answer of the pool in each field, alone, as the page and the kiosk read it."""
    _same(None, scene, partners=partners)
    _same(QueryDict(), scene, partners=partners)
    for name in FIELDS:
        for value in _pool(scene):
            _same(_data({name: [value]}), scene, partners=partners)


def test_named_cases_2011_3_6(scene):
    agency, partner, third = scene["agency"], scene["partner"], scene["third"]
    ours, theirs = agency.divisions.first(), partner.divisions.first()
    cases = [
        ({"category": [Category.CIVILIAN], "job_family": [JobFamily.PATROL]}, True),
        ({"division": [str(theirs.pk)], "agency": [str(partner.pk)]}, True),
        ({"division": [str(third.divisions.first().pk)]}, False),  # not shared with us
        ({"agency": [str(third.pk)]}, False),
        ({"shift": [str(ours.pk)]}, None),  # a division's id may be a shift's too: the form says
        ({"language": ["klingon"], "division": ["99999"]}, False),
        ({"category": ["x", Category.SWORN]}, True),  # the last answer counts, as a form reads it
        ({"category": [Category.SWORN, "x"]}, False),
        ({"page": ["2"], "csrfmiddlewaretoken": ["t"], "other": ["y"]}, True),  # not filters
    ]
    for answers, valid in cases:
        reading = _same(_data(answers), scene, partners=True)
        if valid is not None:
            assert (reading.filters is not None) == valid, answers


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples every run: CI is never red by the draw
)
@given(data=st.data())
def test_any_mix_of_answers_is_read_as_the_form_reads_it(scene, data):
    pool = _pool(scene)
    answers = data.draw(
        st.dictionaries(
            st.sampled_from(FIELDS),
            st.lists(st.one_of(st.sampled_from(pool), st.text(max_size=4)), min_size=1, max_size=2),
        )
    )
    _same(_data(answers), scene, partners=data.draw(st.booleans()))


def _widget_options(form, name):
    """(value, label, selected) of each option the form's widget renders, and its groups."""
    html = str(form[name])
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
    radios = re.findall(r'value="([^"]*)"[^>]*?( checked)?>\s*([^<]*)</label>', html)
    found = [
        (value, unescape(label).strip(), bool(chosen)) for value, chosen, label in options or radios
    ]
    return found, [unescape(label) for label in re.findall(r'<optgroup label="([^"]*)">', html)]


@pytest.mark.parametrize("partners", [True, False])
def test_the_controls_show_the_forms_lists_with_the_same_answer_chosen(scene, partners):
    agency, partner = scene["agency"], scene["partner"]
    posts = [
        None,
        {},
        {"category": [Category.CIVILIAN], "division": [str(agency.divisions.last().pk)]},
        {"shift": [str(partner.shifts.first().pk)], "agency": [str(partner.pk)]},
        {"language": ["klingon"], "job_family": [JobFamily.RECORDS]},
    ]
    lists = filter_lists(agency, today=TODAY, partners=partners)
    for post in posts:
        data = None if post is None else _data(post)
        form = DirectoryFilterForm(data, agency=agency, partners=[partner] if partners else [])
        if form.is_bound:
            form.is_valid()  # as the page did before it rendered the form
        shown = controls(read_filters(data, lists), lists)
        for control in (shown.category, *shown.selects):
            options, groups = _widget_options(form, control.name)
            assert [(o.value, o.label, o.chosen) for o in control.options] == options, post
            assert [group.label for group in control.groups if group.label] == groups
            assert control.refused == (control.name in form.errors)
        assert ("agency" in [c.name for c in shown.selects]) == partners


def test_the_lists_are_two_queries_and_only_what_is_shared_today(scene, agency, other_agency):
    ended = p.make_agency(code="ENDED", name="Ended Agreement Police")
    share_directory(ended, agency, ends_on=date(2021, 1, 1))
    training_only = p.make_agency(code="TRAIN", name="Training Only Police")
    share_directory(training_only, agency, shares_directory=False)
    with CaptureQueriesContext(connection) as queries:
        lists = filter_lists(agency, today=TODAY)
    assert len(queries) == 2
    assert [row.name for row in lists.partners] == [other_agency.name]
    assert lists.partner_ids == [other_agency.pk]
    # Each agency's divisions by name and shifts by code, the agency's own and the partner's.
    for owner in (agency, other_agency):
        divisions = [d.name for d in lists.divisions if d.agency_id == owner.pk]
        assert divisions == ["Communications", "Investigations", "Patrol"]
        shifts = [s.name for s in lists.shifts if s.agency_id == owner.pk]
        assert shifts == ["Day shift", "Evening shift", "Night shift"]  # DAY, EVE, NIGHT
    assert len(lists.divisions) == 6 and len(lists.shifts) == 6
    with CaptureQueriesContext(connection) as queries:
        own = filter_lists(agency, today=TODAY, partners=False)
    assert len(queries) == 1 and own.partners == ()
    assert {d.agency_id for d in (*own.divisions, *own.shifts)} == {agency.pk}
