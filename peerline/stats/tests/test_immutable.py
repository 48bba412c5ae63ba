"""A published release never changes and is never made twice, whatever k becomes (2011 §3.1).

The issue's attack: `period=2026%0A` passed a `$` regex, and the GET froze a new release with the
lowered k, showing counts the frozen release had suppressed. Here every published period is asked
again after k is lowered, in every spelling, on the API, the page, the PDF and the CSV.
"""

import json
from urllib.parse import quote

import pytest
from django.urls import reverse

from peerline.accounts.models import Role
from peerline.agencies import clock, periods
from peerline.stats import overview, release_format, releases
from peerline.stats.models import ClosedPeriod

from .test_releases import PLAIN, add_contacts

URL = "/api/v1/stats/utilization"


def spellings(period: str) -> list[str]:
    """Other ways of writing `period` that a lax parser would take for it."""
    arabic_indic = period.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    fullwidth = period.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    others = [
        f"{period}\n",
        f"{period}\r\n",
        f" {period}",
        f"{period} ",
        f"\t{period}",
        f"{period}\x00",
        period.lower(),
        period.replace("-", "–"),
        period.replace("-", ""),
        f"+{period}",
        f"0{period}",
        arabic_indic,
        fullwidth,
        f"{period}/",
        f"{period}.",
    ]
    return [s for s in others if s != period]


@pytest.fixture
def published_year(agency, users):
    """Last year's four quarters closed with k = 11 (so the year is frozen too)."""
    year = str(clock.local_today(agency).year - 1)
    for i, quarter in enumerate(periods.quarters_of(year)):
        add_contacts(agency, users, quarter, 45, seed=i)
        add_contacts(agency, users, quarter, 7, activity="death_notification", **PLAIN)
        releases.period_close(agency=agency, period=quarter, acting_user=users[Role.COORDINATOR])
    assert ClosedPeriod.objects.filter(agency=agency).count() == 5
    return year


def test_no_spelling_of_a_published_period_is_released_again_after_k_is_lowered_2011_3_1(
    agency, users, client_for, published_year
):
    command = client_for(Role.COMMAND_STAFF)
    published = list(ClosedPeriod.objects.filter(agency=agency).order_by("period"))
    before = {
        c.period: (
            command.get(URL, {"period": c.period}).content,
            command.get(reverse("stats:released-pdf", args=[c.period])).content,
            command.get(reverse("stats:released-csv", args=[c.period])).content,
        )
        for c in published
    }
    assert all(json.loads(api)["threshold"] == 11 for api, _, _ in before.values())
    releases.threshold_change(agency=agency, k=5, acting_user=users[Role.COORDINATOR])

    for closed in published:
        period = closed.period
        api, pdf, csv = before[period]
        assert command.get(URL, {"period": period}).content == api
        assert command.get(reverse("stats:released-pdf", args=[period])).content == pdf
        assert command.get(reverse("stats:released-csv", args=[period])).content == csv
        page = command.get(reverse("stats:released"), {"period": period})
        assert page.status_code == 200 and b"&lt;" not in page.content
        for other in spellings(period):
            response = command.get(URL, {"period": other})
            # A NUL is refused before any view reads the request (400, peerline.core.validation).
            assert response.status_code == (400 if "\x00" in other else 422), repr(other)
            assert command.get(reverse("stats:released"), {"period": other}).status_code == 400
        # The same spellings percent-encoded into the URL path of the PDF and the CSV.
        for other in spellings(period):
            for name in ("stats:released-pdf", "stats:released-csv"):
                path = reverse(name, args=["PERIOD"]).replace("PERIOD", quote(other, safe=""))
                response = command.get(path)
                refused = (400,) if "\x00" in other else (302, 404)
                assert response.status_code in refused, (name, repr(other))
    # Nothing was stored by any of it, and what is stored is what was first published.
    assert ClosedPeriod.objects.filter(agency=agency).count() == len(published)
    for closed in published:
        fresh = ClosedPeriod.objects.get(pk=closed.pk)
        assert bytes(fresh.release_json) == bytes(closed.release_json)
        assert fresh.threshold == 11


def test_the_issue_request_2026_newline_is_refused_with_422_2011_3_1(client_for, published_year):
    command = client_for(Role.COMMAND_STAFF)
    response = command.get(f"{URL}?period={published_year}%0A")
    assert response.status_code == 422
    assert "YYYY" in response.json()["detail"]


def test_a_get_never_creates_a_release_2011_3_1(agency, users, client_for):
    """A year whose quarters are closed but which was not frozen (its job failed) is not made by
    a request: it answers "not released yet" until the scheduled job or the coordinator closes
    it."""
    year = str(clock.local_today(agency).year - 1)
    for quarter in periods.quarters_of(year):
        add_contacts(agency, users, quarter, 30, seed=int(quarter[-1]))
        releases.period_close(agency=agency, period=quarter, acting_user=None)
    ClosedPeriod.objects.filter(agency=agency, period=year).delete()
    command = client_for(Role.COMMAND_STAFF)
    response = command.get(URL, {"period": year})
    assert response.status_code == 404 and "released" in response.json()["detail"]
    assert command.get(reverse("stats:released"), {"period": year}).status_code == 404
    assert command.get(reverse("stats:released-pdf", args=[year])).status_code == 302
    assert not ClosedPeriod.objects.filter(agency=agency, period=year).exists()
    releases.agency_close_due(agency=agency)
    assert command.get(URL, {"period": year}).status_code == 200


def test_a_lower_k_applies_to_periods_closed_afterwards_2011_3_1(agency, users):
    year = clock.local_today(agency).year - 1
    first, second = f"{year}-Q1", f"{year}-Q2"
    for quarter in (first, second):
        add_contacts(agency, users, quarter, 60, activity="general_stress", **PLAIN)
        add_contacts(agency, users, quarter, 7, activity="grief", **PLAIN)
    releases.period_close(agency=agency, period=first, acting_user=None)
    releases.threshold_change(agency=agency, k=5, acting_user=users[Role.COORDINATOR])
    releases.period_close(agency=agency, period=second, acting_user=None)

    def grief(period: str) -> int | None:
        data = json.loads(releases.release_for(agency=agency, period=period))
        activity = next(t for t in data["tables"] if t["name"] == "activity")
        return next(r["count"] for r in activity["rows"] if r["dims"]["activity"] == "grief")

    assert grief(first) is None  # 7 < 11 when it closed
    assert grief(second) == 7  # 7 >= 5


def test_the_coordinator_sees_which_old_releases_the_rule_would_not_pass_2011_3_1(
    agency, users, client_for
):
    """A release frozen under the old rule (the two hidden cells only unpinned: "none invoked"
    published, so the hidden exception count is known to be at most 2) keeps its bytes, and the
    periods page names it."""
    quarter = f"{clock.local_today(agency).year - 1}-Q2"
    exception = agency.confidentiality_exceptions.first()
    add_contacts(agency, users, quarter, 60, activity="general_stress", **PLAIN)
    add_contacts(
        agency, users, quarter, 2, activity="general_stress", **{**PLAIN, "exception": exception}
    )
    closed = releases.period_close(agency=agency, period=quarter, acting_user=None)
    assert overview.rule_breaches(closed) == []

    # The same release as the old rule made it: the complement "none invoked" published.
    data = json.loads(bytes(closed.release_json))
    table = next(t for t in data["tables"] if t["name"] == "confidentiality_exception")
    for row in table["rows"]:
        if row["dims"]["exception_category"] == "none":
            row["count"], row["suppressed"] = 60, False
    old = release_format.to_bytes(data)
    ClosedPeriod.objects.filter(pk=closed.pk).update(release_json=old)
    closed.refresh_from_db()
    breaches = overview.rule_breaches(closed)
    assert breaches and all("confidentiality_exception" in b for b in breaches)

    page = client_for(Role.COORDINATOR).get(reverse("stats:periods"))
    html = page.content.decode()
    assert "frozen under an older rule" in html and quarter in html
    assert breaches[0] in html
    assert bytes(ClosedPeriod.objects.get(pk=closed.pk).release_json) == old
