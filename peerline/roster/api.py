from datetime import date

from django.db.models import QuerySet
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from peerline.accounts import policy
from peerline.accounts.auth import api_auth
from peerline.agencies import selectors
from peerline.agencies.models import Agency, Employee
from peerline.core import validation

router = Router(tags=["agencies"])


class AgencyOut(Schema):
    code: str
    name: str
    state: str
    time_zone: str
    guideline_edition: str
    suppression_k: int
    training_hours_per_quarter: float
    repeat_contact_threshold: int
    employees_per_psp: int
    min_service_months: int
    activation_roles: list[str]
    page_timeout_minutes: int
    incident_retention_days: int
    serves_families: bool
    serves_retirees: bool


class EmployeeOut(Schema):
    employee_number: str
    first_name: str
    last_name: str
    category: str
    job_family: str
    rank: str
    division: str
    shift: str | None
    supervisor_number: str | None
    good_standing: bool
    separation_date: date | None
    separation_kind: str

    @staticmethod
    def resolve_division(obj: Employee) -> str:
        return obj.division.code

    @staticmethod
    def resolve_shift(obj: Employee) -> str | None:
        return obj.shift.code if obj.shift else None

    @staticmethod
    def resolve_supervisor_number(obj: Employee) -> str | None:
        return obj.supervisor.employee_number if obj.supervisor else None


class BoundedPages(PageNumberPagination):
    """Page numbers up to `validation.PAGE_MAX`: a 36-digit page would overflow the database's
    offset (a 500); past it the answer is a 422 with a message."""

    class Input(PageNumberPagination.Input):
        page: int = Field(1, ge=1, le=validation.PAGE_MAX)


@router.get("/agency", response=AgencyOut, auth=api_auth(policy.Permission.AGENCY_VIEW))
def agency_detail(request: policy.AgencyRequest) -> Agency:
    """The current agency's program settings."""
    return request.agency


@router.get("/employees", response=list[EmployeeOut], auth=api_auth(policy.Permission.ROSTER_VIEW))
@paginate(BoundedPages, page_size=100)
def employee_list(request: policy.AgencyRequest) -> QuerySet[Employee]:
    """The current roster, 100 a page, for the program coordinator (2011 §3.9)."""
    return selectors.roster(agency=request.agency).order_by("employee_number")
