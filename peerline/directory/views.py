"""Find a peer (2011 §3.6) and a PSP's own card.

The filters travel by POST only, so no criterion is ever in a URL, a browser history or an
access log; the directory page writes nothing and logs nothing about who looked or whom they
chose. With htmx the filters update the results region alone; without JavaScript the same POST
answers with the whole page.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from peerline.accounts import policy
from peerline.agencies.clock import local_today
from peerline.governance.selectors import card as limits_card
from peerline.team.models import Status

from . import selectors, services
from .filters import controls, read_filters
from .forms import CardForm


@never_cache
@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.DIRECTORY)
def index(request: policy.AgencyRequest) -> HttpResponse:
    """The PSPs the user may choose from, filtered as they ask, ordered by name, a short page
    at a time: the filters first, then one page of cards, never the whole team (issue 18).

    The surge's most requested page, so it reads what it needs once: the filters' lists (two
    queries) serve the filters, the page's query (the partners) and the cards (the names);
    the viewer is read with only what the chain of command needs; the filters are read
    without a form (`filters.read_filters`)."""
    agency = request.agency
    today = local_today(agency)
    lists = selectors.filter_lists(agency, today=today)
    viewer = selectors.viewer_of(user_id=request.user.pk)
    reading = read_filters(request.POST if request.method == "POST" else None, lists)
    filters = reading.filters  # None: an answer outside the lists; say so rather than guess
    # The page number travels in the POST with the filters, never in the URL.
    page = (
        selectors.directory_page(
            viewer=viewer,
            agency=agency,
            today=today,
            filters=filters,
            number=request.POST.get("page", 1),
            lists=lists,
        )
        if filters is not None
        else None
    )
    context: dict[str, Any] = {
        "page": page,
        "cards": page.cards if page else [],
        "filters": filters,
        "filter_count": reading.count,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "directory/_results.html", context)
    law = limits_card(agency)  # the limits (one query) and the state's law, read once
    context |= {
        "controls": controls(reading, lists),
        "refused": bool(reading.refused),
        "partners": lists.partners,
        "has_employee_record": viewer is not None,
        "limits": law.limits,
        "law": law,
    }
    return render(request, "directory/index.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.TEAM_SELF)
def profile(request: policy.AgencyRequest) -> HttpResponse:
    """A PSP's own card: what they show and how to reach them. Nobody else's can be reached
    here: the card is found from the logged-in user, never from a parameter."""
    psp = selectors.own_card(user_id=request.user.pk, agency=request.agency)
    if psp is None:
        # Every role may ask (TEAM_SELF); only an active or on-leave PSP has a card.
        return render(request, "directory/no_card.html")
    # The preview shows the card as saved, before the form touches the instance.
    card, listed = selectors.card_for(psp), psp.status == Status.ACTIVE and psp.available
    form = CardForm(request.POST if request.method == "POST" else None, instance=psp)
    if request.method == "POST" and form.is_valid():
        try:
            services.card_update(peer_supporter=psp, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your card is saved.")
            return redirect("directory:profile")
    return render(
        request,
        "directory/profile.html",
        {"form": form, "psp": psp, "card": card, "listed": listed, "status": psp.status},
    )
