from django.http import HttpResponse
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from peerline.accounts import policy
from peerline.accounts.auth import api_auth

from . import release_format, releases

router = Router(tags=["stats"])


class CellOut(Schema):
    dims: dict[str, str]
    count: int | None  # None exactly when suppressed
    suppressed: bool


class TableOut(Schema):
    name: str
    dimensions: list[str]
    rows: list[CellOut]
    total: int | None  # None when suppressed, and for referrals (one contact, several referrals)


class UtilizationOut(Schema):
    period: str
    threshold: int
    tables: list[TableOut]


class ErrorOut(Schema):
    detail: str


@router.get(
    "/stats/utilization",
    response={200: UtilizationOut, 404: ErrorOut, 422: ErrorOut},
    auth=api_auth(policy.Permission.STATS_RELEASED),
)
def utilization(
    request: policy.AgencyRequest,
    period: str = Query(..., description="A closed quarter, YYYY-Qn, or a year, YYYY."),
) -> HttpResponse:
    """Utilisation statistics of a closed period: fixed tables, small counts suppressed (2011 §3.1).

    The response is the period's frozen release: the same bytes on every request. A count below
    the agency's threshold is null with `suppressed: true`, and so are the counts withheld so that
    it cannot be worked out from totals or from other releases. An open period has no release.
    """
    extra = sorted(set(request.GET) - {"period"})
    if extra:
        raise HttpError(
            422,
            f"Not accepted: {', '.join(extra)}. These reports have fixed tables for fixed "
            f"periods only, with no filters ({release_format.CLAUSE}).",
        )
    try:
        body = releases.release_for(agency=request.agency, period=period)
    except release_format.BadPeriod as error:
        raise HttpError(422, str(error)) from None
    except release_format.NotReleased as error:
        raise HttpError(404, str(error)) from None
    return HttpResponse(body, content_type="application/json")
