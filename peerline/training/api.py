from ninja import Query, Router, Schema
from ninja.errors import HttpError

from peerline.accounts import policy
from peerline.accounts.auth import api_auth

from . import compliance

router = Router(tags=["training"])


class PeerSupporterHoursOut(Schema):
    employee_number: str
    hours_required: float  # pro-rated for the days active and not on leave
    hours_credited: float
    compliant: bool
    consecutive_quarters_behind: int


class ComplianceOut(Schema):
    quarter: str
    hours_required_full_quarter: float
    peer_supporters: list[PeerSupporterHoursOut]


class ErrorOut(Schema):
    detail: str


@router.get(
    "/training/compliance",
    response={200: ComplianceOut, 422: ErrorOut},
    auth=api_auth(policy.Permission.TRAINING_MANAGE),
)
def training_compliance(
    request: policy.AgencyRequest,
    quarter: str = Query(..., description="A quarter of the agency's calendar, YYYY-Qn."),
) -> dict[str, object]:
    """Training hours of the agency's PSPs in a quarter against the requirement (2011 §8.2).

    Every PSP who was active or on leave on some day of the quarter: the hours required
    (the agency's hours per quarter, pro-rated by the days active and not on leave, to the
    nearest half hour), the hours credited, whether they meet it, and how many quarters in a row
    they have been behind up to it (an open quarter is never counted as behind). Two in a row
    call for a deselection review by the coordinator (2011 §4.3).
    """
    try:
        asked = compliance.Quarter.parse(quarter)
    except compliance.BadQuarter as error:
        raise HttpError(422, str(error)) from None
    team = compliance.team_compliance(agency=request.agency, quarter=asked)
    return {
        "quarter": asked.label,
        "hours_required_full_quarter": float(team.hours_full_quarter),
        "peer_supporters": [
            {
                "employee_number": row.peer_supporter.employee.employee_number,
                "hours_required": float(row.standing.hours_required),
                "hours_credited": float(row.standing.hours_credited),
                "compliant": row.standing.compliant,
                "consecutive_quarters_behind": row.consecutive_behind,
            }
            for row in team.rows
        ],
    }
