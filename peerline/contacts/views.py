"""The contact log on a phone: log a contact in a few taps, see and correct one's own (2011 §6.7).

Thin views over `services` and `selectors`, the same functions the API uses. Every write is a
POST; no answer ever travels in a URL.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from peerline.accounts import policy
from peerline.core import offlist
from peerline.governance.selectors import active_limits, card

from . import selectors, services
from .forms import ContactForm, prompting_bands
from .models import Contact, Referral

# The contact just saved, so that the confirmation survives a reload without a second save.
SAVED_SESSION_KEY = "peerline_contact_saved"
MINE_PER_PAGE = 50
# Where a PSP refers a supervisor or subordinate instead (2011 §7.3).
ROLE_CONFLICT_REFERRALS = [
    Referral.ANOTHER_PSP,
    Referral.CHAPLAIN,
    Referral.MENTAL_HEALTH,
    Referral.EAP,
]


def _add_errors(form: ContactForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def _contact_form(request: policy.AgencyRequest, contact: Contact | None = None) -> HttpResponse:
    """The one-screen form, to log a contact or to correct one's own."""
    agency = request.agency
    exceptions = list(active_limits(agency))
    if request.method == "POST":
        # A 400 naming every field outside the schema: refused, never dropped (2011 §6.7).
        refused = offlist.refusal_page(
            request, services.FIELDS, what="contact record", again_url=reverse("contacts:log")
        )
        if refused is not None:
            return refused
        form = ContactForm(request.POST, agency=agency, exceptions=exceptions, contact=contact)
        if form.is_valid():
            try:
                if contact is None:
                    saved = services.contact_log(
                        agency=agency, peer_supporter=request.user, data=form.cleaned_data
                    )
                else:
                    saved = services.contact_correct(contact=contact, data=form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                request.session[SAVED_SESSION_KEY] = {
                    "pk": saved.pk,
                    "corrected": contact is not None,
                    "reminder": form.cleaned_data.get("follow_up_days") is not None,
                }
                return redirect("contacts:saved")
    else:
        form = ContactForm(agency=agency, exceptions=exceptions, contact=contact)
    return render(
        request,
        "contacts/form.html",
        {
            "form": form,
            "contact": contact,
            "exceptions": exceptions,
            # The read-aloud card from the limits just read: no second read of them (issue 18).
            "card": card(agency, limits=[exception.label for exception in exceptions]),
            "prompting_bands": " ".join(prompting_bands(agency)),
            "threshold": agency.repeat_contact_threshold,
            "role_conflict_referrals": ROLE_CONFLICT_REFERRALS,
            "prior_contacts_hint": f"At {agency.repeat_contact_threshold} or more contacts with "
            "one person, think of a referral (2011 §7.3).",
            "follow_up_hint": _follow_up_hint(contact),
            "limits_hint": "Your agency's limits of confidentiality (2011 §6.2, §6.4)."
            if contact
            else "The limits in the box above (2011 §6.2, §6.4).",
        },
    )


def _follow_up_hint(contact: Contact | None) -> str:
    hint = (
        "The reminder says only that a follow-up you set is due that week; it is not tied to "
        "this contact."
    )
    if contact is not None:
        return f"{hint} Reminders you have set are on “My contacts”."
    return hint


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.CONTACT_LOG)
def log(request: policy.AgencyRequest) -> HttpResponse:
    """Log a contact as non-identifying statistics, on a phone, in a few taps (2011 §6.7)."""
    return _contact_form(request)


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.CONTACT_LOG)
def edit(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """Correct one's own contact while its period is open; anyone else's answers 404."""
    contact = policy.scoped_or_404(
        selectors.contacts_own_open(agency=request.agency, fetched_by=request.user),
        request,
        pk=pk,
    )
    return _contact_form(request, contact)


@require_safe
@policy.requires(policy.Permission.CONTACT_LOG)
def saved(request: policy.AgencyRequest) -> HttpResponse:
    """What to do now: the exception's procedure (2011 §6.3), role-conflict guidance (§7.2,
    §7.3) and the repeat-contact referral prompt (§7.3), for the contact just saved."""
    last = request.session.get(SAVED_SESSION_KEY) or {}
    pk = last.get("pk")
    contact = (
        Contact.objects.filter(agency=request.agency, peer_supporter=request.user, pk=pk)
        .select_related("exception")
        .first()
        if isinstance(pk, int)
        else None
    )
    if contact is None:
        return redirect("contacts:log")
    return render(
        request,
        "contacts/saved.html",
        {
            "contact": contact,
            "corrected": last.get("corrected", False),
            "reminder": selectors.follow_ups_set(agency=request.agency, fetched_by=request.user)
            .order_by("-pk")
            .first()
            if last.get("reminder")
            else None,
            "guidance": services.guidance_for(contact, request.agency),
            "threshold": request.agency.repeat_contact_threshold,
            "role_conflict_referrals": ROLE_CONFLICT_REFERRALS,
            "can_correct": selectors.contacts_own_open(
                agency=request.agency, fetched_by=request.user
            )
            .filter(pk=contact.pk)
            .exists(),
        },
    )


@require_safe
@policy.requires(policy.Permission.CONTACT_LOG)
def mine(request: policy.AgencyRequest) -> HttpResponse:
    """One's own contacts in open periods, newest first, 50 to a page (a busy PSP's quarter
    stays light on a phone), and one's follow-up reminders that are due."""
    own = selectors.contacts_own_open(agency=request.agency, fetched_by=request.user)
    return render(
        request,
        "contacts/mine.html",
        {
            "page": Paginator(own, MINE_PER_PAGE).get_page(request.GET.get("page")),
            "follow_ups": selectors.follow_ups_due(agency=request.agency, fetched_by=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.CONTACT_LOG)
def delete(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """Delete one's own contact logged by mistake, while its period is open, after a
    confirmation; anyone else's, or a closed period's, answers 404 (2011 §6.7)."""
    contact = policy.scoped_or_404(
        selectors.contacts_own_open(agency=request.agency, fetched_by=request.user),
        request,
        pk=pk,
    )
    if request.method == "POST":
        try:
            services.contact_delete(contact=contact, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Contact deleted. It counts nowhere.")
        return redirect("contacts:mine")
    return render(request, "contacts/delete.html", {"contact": contact})


@require_POST
@policy.requires(policy.Permission.CONTACT_LOG)
def follow_up_done(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    """Delete one's own follow-up reminder once it is done."""
    if not services.reminder_done(agency=request.agency, peer_supporter=request.user, pk=pk):
        raise Http404
    messages.success(request, "Follow-up done.")
    return redirect("contacts:mine")
