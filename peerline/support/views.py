"""The door without a personal account (issue 16.2), the request for a peer (16.1), the PSP's
one-tap answer, "What Peerline stores about you" (16.5), and the coordinator's access link.

The kiosk pages live under the agency's access code (`/reach/a/<code>/…`): no log-in, no session,
no cookie that names anyone (Django's CSRF cookie is a random value the server never stores), and
nothing written about who opened them. A wrong code counts against the address's limit of
failures (`accounts.throttle`, in the cache for a minute, never in the database); so does each
request sent, so a script cannot flood the team with pages.
"""

from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from peerline.accounts import policy, throttle
from peerline.agencies.models import Agency
from peerline.clinical.models import Resource, ResourceCategory
from peerline.directory.filters import controls, read_filters
from peerline.directory.selectors import directory_page, filter_lists
from peerline.governance.selectors import card as limits_card

from . import links, selectors, services, storage
from .forms import RequestForm, SettingsForm
from .models import AccessLink, Requester, RequestStatus, SupportPage

SEND_SCOPE = "reach-send"


def kiosk(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page behind the agency's access code: public, never cached, rate-limited; the code
    opens only a link in force (not revoked, not expired), else 404. Every page sets the CSRF
    cookie, the first one opened too: else the first form page would make it, and a second
    request racing it (the phone app's worker fetching the same page) could make another, so
    that the request for a peer is refused as forged."""

    @wraps(view)
    def wrapped(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        link = selectors.access_link_for(code, now=timezone.now())
        if link is None:
            raise Http404
        request.agency = link.agency  # type: ignore[attr-defined]
        return view(request, code, *args, **kwargs)

    return policy.public(throttle.limit_failures("reach")(never_cache(ensure_csrf_cookie(wrapped))))


def _crisis_lines(agency: Agency) -> list[Resource]:
    return list(
        Resource.objects.filter(agency=agency, category=ResourceCategory.CRISIS_LINE).order_by(
            "name"
        )
    )


def _render(
    request: HttpRequest, code: str, template: str, *, status: int = 200, **context: Any
) -> HttpResponse:
    agency = request.agency  # type: ignore[attr-defined]
    rules = selectors.settings_of(agency)
    response = render(
        request,
        template,
        {
            "agency": agency,
            "code": code,
            "rules": rules,
            "also_open_to": [r for r in selectors.requesters(rules) if r != Requester.EMPLOYEE],
            "crisis_lines": _crisis_lines(agency),
            **context,
        },
        status=status,
    )
    response["Referrer-Policy"] = "same-origin"  # the code never leaves for another site
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@kiosk
@require_safe
def kiosk_home(request: HttpRequest, code: str) -> HttpResponse:
    return _render(request, code, "support/kiosk_home.html")


@kiosk
@require_http_methods(["GET", "POST"])
def kiosk_peers(request: HttpRequest, code: str) -> HttpResponse:
    """Find a peer (2011 §3.6): the agency's own active PSPs, read-only, a short page at a time
    like the directory (its selector, its filters): the filters and the page number travel by
    POST only, never in the URL; the order is by name, nothing ranks. Nobody is hidden for a
    chain of command the page cannot know, so the request page offers "not from my division"."""
    agency = request.agency  # type: ignore[attr-defined]
    today = selectors.today_of(agency, timezone.now())
    # The agency's own PSPs only: a partner's are shared with its employees, not its door.
    lists = filter_lists(agency, today=today, partners=False)
    reading = read_filters(request.POST if request.method == "POST" else None, lists)
    filters = reading.filters
    page = None
    if filters is not None:
        page = directory_page(
            viewer=None,
            agency=agency,
            today=today,
            filters=replace(filters, agency_id=agency.pk),
            number=request.POST.get("page", 1),
            lists=lists,
        )
    return _render(
        request,
        code,
        "support/kiosk_peers.html",
        controls=controls(reading, lists),
        refused=bool(reading.refused),
        page=page,
        filters=filters,
        filter_count=reading.count,
    )


@kiosk
@require_safe
def kiosk_limits(request: HttpRequest, code: str) -> HttpResponse:
    return _render(
        request,
        code,
        "support/kiosk_limits.html",
        card=limits_card(request.agency),  # type: ignore[attr-defined]
    )


@kiosk
@require_safe
def kiosk_resources(request: HttpRequest, code: str) -> HttpResponse:
    agency = request.agency  # type: ignore[attr-defined]
    resources = Resource.objects.filter(agency=agency).exclude(
        category=ResourceCategory.CRISIS_LINE
    )
    return _render(
        request,
        code,
        "support/kiosk_resources.html",
        resources=resources.order_by("category", "name"),
    )


@kiosk
@require_http_methods(["GET", "POST"])
def kiosk_request(request: HttpRequest, code: str) -> HttpResponse:
    """One page, one tap (2011 §3.6). The callback details travel by POST only."""
    agency = request.agency  # type: ignore[attr-defined]
    rules = selectors.settings_of(agency)
    form = RequestForm(
        request.POST if request.method == "POST" else None, agency=agency, rules=rules
    )
    if request.method == "POST":
        if throttle.blocked(SEND_SCOPE, request):
            return HttpResponse(throttle.TOO_MANY, status=429, content_type="text/plain")
        if form.is_valid():
            throttle.failed(SEND_SCOPE, request)  # every send counts toward the address's limit
            now = timezone.now()
            try:
                sent = services.request_create(agency=agency, now=now, **form.cleaned_data)
            except services.NotAllowed:
                form.add_error("requester", "This agency's door is not open to that group.")
            else:
                return redirect(
                    "support:status", code=code, ref=links.status_token(sent.pk, now=now)
                )
    return _render(request, code, "support/kiosk_request.html", form=form)


@kiosk
@require_http_methods(["GET", "POST"])
def kiosk_status(request: HttpRequest, code: str, ref: str) -> HttpResponse:
    """The requester's state: waiting, or "a peer supporter will call you"; always the crisis
    lines. A POST takes the request back (erased now)."""
    try:
        pk = links.read(ref, salt=links.STATUS_SALT)
    except links.LinkInvalid:
        raise Http404 from None
    found = selectors.request_for_status(pk)
    if found is not None and found.agency_id != request.agency.pk:  # type: ignore[attr-defined]
        raise Http404
    if request.method == "POST" and found is not None:
        services.withdraw(request_pk=found.pk)
        return redirect(request.path)
    return _render(request, code, "support/kiosk_status.html", sent=found, Status=RequestStatus)


@policy.public
@require_safe
def stored(request: HttpRequest) -> HttpResponse:
    """What Peerline stores about you (issue 16.5), generated from the models."""
    return render(request, "support/stored.html", {"sections": storage.sections()})


# --- The PSP's one-tap answer ------------------------------------------------------------------


@policy.public
@throttle.limit_failures("page")
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows an anonymous request and one button; only a POST accepts (mail scanners
    prefetch links). The one who accepted sees the callback details here, and only here, until
    they mark it done or their window ends. Every other link to the request stops working once
    it is taken, and every link once it is erased or expires: one answer, "closed", as a 404
    (counted against the address's limit, like any unknown token)."""
    try:
        page: SupportPage | None = links.read_token(token, now=timezone.now())
    except links.LinkInvalid:
        page = None
    context: dict[str, Any] = {"page": page, "Status": RequestStatus}
    if page is None:
        response = render(request, "support/answer.html", {**context, "gone": True}, status=404)
    elif request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.accept(page=page, now=timezone.now())
            elif action == "done":
                services.done(page=page)
            else:
                return HttpResponse("Choose accept or done.", status=400)
        except services.Taken:
            response = render(
                request, "support/answer.html", {**context, "taken": True}, status=409
            )
        else:
            return redirect(request.path)
    else:
        request_ = page.request
        taken = request_.status != RequestStatus.OPEN and not page.accepted
        response = render(request, "support/answer.html", {**context, "taken": taken})
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- The coordinator: the access link and the settings -----------------------------------------


@never_cache
@require_safe
@policy.requires(policy.Permission.SUPPORT_MANAGE)
def manage(request: policy.AgencyRequest) -> HttpResponse:
    return _manage(request)


def _manage(
    request: policy.AgencyRequest, *, code: str = "", form: SettingsForm | None = None
) -> HttpResponse:
    agency = request.agency
    rules = selectors.settings_of(agency)
    now = timezone.now()
    return render(
        request,
        "support/manage.html",
        {
            "links": selectors.access_links(agency),
            "now": now,
            "code": code,
            "form": form or SettingsForm(instance=rules),
        },
    )


@never_cache
@require_POST
@policy.requires(policy.Permission.SUPPORT_MANAGE)
def rotate(request: policy.AgencyRequest) -> HttpResponse:
    """A new code; the old ones stop working. The code is shown on this response only."""
    _link, code = services.access_link_rotate(
        agency=request.agency, by=request.user, now=timezone.now()
    )
    return _manage(request, code=code)


@require_POST
@policy.requires(policy.Permission.SUPPORT_MANAGE)
def revoke(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    link = policy.scoped_or_404(AccessLink.objects, request, pk=pk)
    services.access_link_revoke(link=link, by=request.user, now=timezone.now())
    messages.success(request, "The access link no longer works.")
    return redirect("support:manage")


@never_cache
@require_POST
@policy.requires(policy.Permission.SUPPORT_MANAGE)
def settings_save(request: policy.AgencyRequest) -> HttpResponse:
    form = SettingsForm(request.POST, instance=selectors.settings_of(request.agency))
    if not form.is_valid():
        return _manage(request, form=form)
    services.settings_update(agency=request.agency, by=request.user, **form.cleaned_data)
    messages.success(request, "Settings saved.")
    return redirect("support:manage")
