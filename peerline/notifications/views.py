"""The channels page: how each person of the team is paged (2011 §3.3, §3.9, §5.1).

The coordinator sees the agency's PSPs, clinicians with a log-in and coordinators, and edits
each one's channels; a test page goes through the outbox like a real one. Every write is a POST.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from peerline.accounts import policy
from peerline.accounts.policy import Permission
from peerline.core import validation
from peerline.notifications.models import ContactChannel

from . import selectors, services
from .forms import HINTS, ChannelForm
from .selectors import Person


def _person_or_404(request: policy.AgencyRequest, user_id: int) -> Person:
    found = selectors.person(agency=request.agency, user_id=user_id)
    if found is None:
        raise Http404
    return found


def _channel_or_404(request: policy.AgencyRequest, pk: int) -> tuple[ContactChannel, Person]:
    channel = policy.scoped_or_404(ContactChannel.objects.all(), request, pk=pk)
    return channel, _person_or_404(request, channel.user_id)


@require_safe
@policy.requires(Permission.CHANNELS_MANAGE)
def channels(request: policy.AgencyRequest) -> HttpResponse:
    """Everyone paged, 50 a page, with how many cannot be paged at all and a filter to list just
    them: a team of thousands no longer makes one page of every person (issue 18)."""
    everyone = selectors.people(agency=request.agency)
    unreachable = [person for person in everyone if not person.reachable]
    show = "unreachable" if request.GET.get("show") == "unreachable" else ""
    listed = unreachable if show else everyone
    page = Paginator(listed, 50).get_page(validation.page_number(request.GET.get("page")))
    return render(
        request,
        "notifications/channels.html",
        {
            "page": page,
            "total": len(everyone),
            "unreachable": len(unreachable),
            "show": show,
            "query": "show=unreachable" if show else "",
        },
    )


def _person_page(
    request: policy.AgencyRequest,
    person: Person,
    add_form: ChannelForm | None = None,
    edited: tuple[int, ChannelForm] | None = None,
) -> HttpResponse:
    tests = selectors.last_tests(agency=request.agency, user_id=person.user.pk)
    forms = []
    for channel in person.channels:
        if edited is not None and edited[0] == channel.pk:
            form = edited[1]
        else:
            form = ChannelForm(
                initial={
                    "kind": channel.kind,
                    "target": channel.target,
                    "enabled": channel.enabled,
                },
                prefix=f"c{channel.pk}",
            )
        forms.append((channel, form, tests.get(f"channel-{channel.pk}")))
    return render(
        request,
        "notifications/person.html",
        {
            "person": person,
            "forms": forms,
            "add_form": add_form or ChannelForm(prefix="new"),
            "hints": [(kind.label, hint) for kind, hint in HINTS.items()],
            "email_test": tests.get("email"),
        },
    )


def _valid(form: ChannelForm, person: Person, editing: int | None = None) -> bool:
    """The form is valid and the person has no other channel with the same address."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    if any(
        (c.kind, c.target) == (data["kind"], data["target"]) and c.pk != editing
        for c in person.channels
    ):
        form.add_error("target", "This person already has this channel.")
        return False
    return True


@require_safe
@policy.requires(Permission.CHANNELS_MANAGE)
def person(request: policy.AgencyRequest, user_id: int) -> HttpResponse:
    return _person_page(request, _person_or_404(request, user_id))


@require_POST
@policy.requires(Permission.CHANNELS_MANAGE)
def add(request: policy.AgencyRequest, user_id: int) -> HttpResponse:
    found = _person_or_404(request, user_id)
    form = ChannelForm(request.POST, prefix="new")
    if not _valid(form, found):
        return _person_page(request, found, add_form=form)
    services.add_channel(
        agency=request.agency,
        user=found.user,
        kind=form.cleaned_data["kind"],
        target=form.cleaned_data["target"],
        enabled=form.cleaned_data["enabled"],
    )
    messages.success(request, "Channel added.")
    return redirect("notifications:person", user_id=user_id)


@require_POST
@policy.requires(Permission.CHANNELS_MANAGE)
def edit(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    channel, found = _channel_or_404(request, pk)
    form = ChannelForm(request.POST, prefix=f"c{pk}")
    if not _valid(form, found, editing=pk):
        return _person_page(request, found, edited=(pk, form))
    services.update_channel(
        channel=channel,
        kind=form.cleaned_data["kind"],
        target=form.cleaned_data["target"],
        enabled=form.cleaned_data["enabled"],
    )
    messages.success(request, "Channel saved.")
    return redirect("notifications:person", user_id=found.user.pk)


@require_POST
@policy.requires(Permission.CHANNELS_MANAGE)
def remove(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    channel, found = _channel_or_404(request, pk)
    services.remove_channel(channel=channel)
    messages.success(request, "Channel removed.")
    return redirect("notifications:person", user_id=found.user.pk)


@require_POST
@policy.requires(Permission.CHANNELS_MANAGE)
def test_channel(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    channel, found = _channel_or_404(request, pk)
    services.send_test(agency=request.agency, user=found.user, channel=channel, now=timezone.now())
    messages.success(request, "Test page queued: the worker sends it within seconds.")
    return redirect("notifications:person", user_id=found.user.pk)


@require_POST
@policy.requires(Permission.CHANNELS_MANAGE)
def test_email(request: policy.AgencyRequest, user_id: int) -> HttpResponse:
    """A test page to the account e-mail, for a person without a channel."""
    found = _person_or_404(request, user_id)
    if not found.user.email:
        messages.error(request, "This person has no e-mail address: add a channel first.")
    else:
        services.send_test(agency=request.agency, user=found.user, now=timezone.now())
        messages.success(request, "Test page queued: the worker sends it within seconds.")
    return redirect("notifications:person", user_id=user_id)
