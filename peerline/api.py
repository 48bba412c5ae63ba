"""The JSON API at /api/v1/, with its OpenAPI schema at /api/v1/openapi.json.

Each app contributes a router from its own `api.py`; permissions are checked in each operation by
`peerline.accounts.auth.api_auth`, the same rules the HTML views use.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from peerline.accounts.api import router as accounts_router
from peerline.clinical.api import router as clinical_router
from peerline.contacts.api import router as contacts_router
from peerline.core import offlist
from peerline.coverage.api import router as coverage_router
from peerline.incidents.api import router as incidents_router
from peerline.roster.api import router as agencies_router
from peerline.stats.api import router as stats_router
from peerline.training.api import router as training_router

# The refusals every operation can answer, each with {"detail": message}: a NUL in the request
# (400, peerline.core.validation), no identity (401), a role without the permission (403),
# another agency's or a missing object (404), a value the validation refuses (422), and an
# address that sent too many wrong tokens in the last minute (429, `accounts.throttle`).
ERRORS = {
    400: "The request holds a NUL character or cannot be read.",
    401: "No valid token or session.",
    403: "The role does not grant this operation.",
    404: "No such object in this agency.",
    422: "A value is refused; the detail says which and why.",
    429: "Too many wrong tokens from this address: wait a minute.",
}
DETAIL = {
    "type": "object",
    "properties": {"detail": {}},
    "required": ["detail"],
}


class PeerlineAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The schema, with every 4xx an operation can answer documented."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                # Django Ninja answers a malformed request with a 422 whose detail is a list.
                if 422 in responses:
                    responses[422] = {
                        "description": ERRORS[422],
                        "content": {"application/json": {"schema": DETAIL}},
                    }
                for code, text in ERRORS.items():
                    if code not in responses and str(code) not in responses:
                        content = {"application/json": {"schema": DETAIL}}
                        responses[code] = {"description": text, "content": content}
        return schema

    def _get_urls(self):  # type: ignore[no-untyped-def]
        urls = super()._get_urls()
        # The API answers 401 itself; the log-in redirect of LoginRequiredMiddleware is for pages.
        for pattern in urls:
            pattern.callback.login_required = False  # type: ignore[union-attr]
        return urls


api = PeerlineAPI(
    title="Peerline API",
    version="1",
    description="Peer support program data. Contacts are never identifying (IACP 2011 §6.7).",
    urls_namespace="api",
    docs_url=None,  # the interactive docs load scripts from a CDN, which the CSP forbids
)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """422 as usual; a field a closed schema does not declare is refused by name (2011 §6.7)."""
    refusal = offlist.api_refusal(error)
    detail = refusal if refusal is not None else error.errors
    return api.create_response(request, {"detail": detail}, status=422)


api.add_router("/", accounts_router)
api.add_router("/", agencies_router)
api.add_router("/", contacts_router)
api.add_router("/", stats_router)
api.add_router("/", coverage_router)
api.add_router("/", training_router)
api.add_router("/", clinical_router)
api.add_router("/", incidents_router)
