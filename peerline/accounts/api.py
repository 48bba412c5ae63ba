from ninja import Router, Schema

from . import policy
from .auth import api_auth

router = Router(tags=["accounts"])


class AgencyRef(Schema):
    code: str
    name: str


class MeOut(Schema):
    username: str
    agency: AgencyRef
    roles: list[str]


@router.get("/me", response=MeOut, auth=api_auth(policy.Permission.HOME))
def me(request: policy.AgencyRequest) -> dict:
    """Who the caller is and which roles they hold in the current agency."""
    agency = request.agency
    return {
        "username": request.user.get_username(),
        "agency": {"code": agency.code, "name": agency.name},
        "roles": sorted(policy.roles(request)),
    }
