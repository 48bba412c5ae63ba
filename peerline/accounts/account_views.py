"""Sign-in and account pages: invitations, passwords, API tokens, the fresh sign-in.

Django's own views do the work (password change, reset by e-mail, setting a password from a
link); these subclasses give them the house templates and record what happened.
"""

from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from peerline.uswds import style

from . import policy, selectors, services, sessions
from .forms import InvitePersonForm, TokenForm
from .invitations import invitation_tokens
from .models import ApiToken, Role, User

_PUBLIC = method_decorator(policy.public, name="dispatch")


def signed_in_only(view: Any) -> Any:
    """Any signed-in user, with a role or not (a superuser confirming a change in the admin):
    the log-in is still required (LoginRequiredMiddleware), no role is."""
    view.required_permission = None
    return view


class _Styled:
    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)  # type: ignore[misc]
        style(form.fields)
        return form


@method_decorator(signed_in_only, name="dispatch")
class PasswordChangeView(_Styled, auth_views.PasswordChangeView):
    """Change one's password: this session stays, every other one ends, tokens are revoked."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=form.user, how="changed")
        sessions.password_confirmed(self.request)
        messages.success(self.request, "Your password is changed. Other sessions were ended.")
        return response


@_PUBLIC
class PasswordResetView(_Styled, auth_views.PasswordResetView):
    """Ask for a reset link by e-mail; the answer is the same whether the address is known."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form: Any) -> HttpResponse:
        base = urlsplit(settings.BASE_URL)
        self.extra_email_context = {"protocol": base.scheme, "domain": base.netloc}
        return super().form_valid(form)


@_PUBLIC
class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


@_PUBLIC
class PasswordResetConfirmView(_Styled, auth_views.PasswordResetConfirmView):
    """Set a new password from the e-mailed link (once, within an hour)."""

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:password-set")
    extra_context = {"title": "Choose a new password", "invitation": False}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=form.user, how="reset")
        return response


@_PUBLIC
class InvitationView(PasswordResetConfirmView):
    """Accept an invitation: set a password, which opens the account (single use, expiring)."""

    token_generator = invitation_tokens
    reset_url_token = "set-password"  # noqa: S105 (the URL word, not a secret)
    extra_context = {"title": "Set up your Peerline account", "invitation": True}

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and services.may_be_invited(user) else None

    def form_valid(self, form: Any) -> HttpResponse:
        response = auth_views.PasswordResetConfirmView.form_valid(self, form)
        services.invitation_accept(user=form.user)
        return response


@_PUBLIC
class PasswordSetView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_set.html"


@signed_in_only
def confirm(request: policy.AgencyRequest) -> HttpResponse:
    """The fresh sign-in: type the password again before a sensitive action."""
    back = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("home")
    form = AuthenticationForm(
        request,
        data={"username": request.user.get_username(), **request.POST.dict()}
        if request.method == "POST"
        else None,
    )
    style(form.fields)
    if request.method == "POST" and form.is_valid() and form.get_user().pk == request.user.pk:
        sessions.password_confirmed(request)
        return redirect(back)
    return render(request, "accounts/confirm.html", {"form": form, "next": back})


@policy.requires(policy.Permission.ACCOUNT_SELF)
def tokens(request: policy.AgencyRequest) -> HttpResponse:
    """One's own API tokens: list, create (the key is shown once), revoke."""
    form = TokenForm(request.POST or None)
    key = ""
    if request.method == "POST" and form.is_valid():
        key = services.token_create(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "key": key, "tokens": selectors.tokens_of(request.user)},
    )


@require_POST
@policy.requires(policy.Permission.ACCOUNT_SELF)
def token_revoke(request: policy.AgencyRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        return HttpResponse(status=404)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, f"The token “{token.name or 'unnamed'}” is revoked.")
    return redirect("accounts:tokens")


@policy.requires(policy.Permission.ACCOUNTS_MANAGE)
def people(request: policy.AgencyRequest) -> HttpResponse:
    """Who has signed in and who has not, with the invitations (CJIS AC-2)."""
    agency = request.agency
    state = request.GET.get("state", "")
    state = state if state in selectors.STATES else ""
    division = request.GET.get("division", "")
    division_id = int(division) if division.isdigit() else None
    found = selectors.people(agency=agency, state=state, division_id=division_id)
    counts = selectors.counts(agency=agency)
    paginator = Paginator(found, 50)
    if division_id is None:
        # The counts already hold this list's length: no second count over every account.
        paginator.count = counts[state or "everyone"]  # type: ignore[misc]
    page = paginator.get_page(request.GET.get("page"))
    kept = {"state": state, "division": str(division_id) if division_id is not None else ""}
    return render(
        request,
        "accounts/people.html",
        {
            "page": page,
            "query": urlencode({k: v for k, v in kept.items() if v}),
            "state": state,
            "states": selectors.STATES,
            "counts": counts,
            "division_id": division,
            "divisions": agency.divisions.all(),
            "form": InvitePersonForm(),
            "locked": selectors.locked_usernames([user.get_username() for user in page]),
        },
    )


@require_POST
@policy.requires(policy.Permission.ACCOUNTS_MANAGE)
def invite(request: policy.AgencyRequest) -> HttpResponse:
    """Invite one person, a division, or everyone not signed in yet."""
    agency = request.agency
    waiting = selectors.invitable(agency=agency)
    who = request.POST.get("who", "")
    if who == "person":
        pk = request.POST.get("user", "")
        chosen = waiting.filter(pk=int(pk)) if pk.isdigit() else waiting.none()
        if not chosen.exists():
            chosen = User.objects.filter(
                pk=int(pk) if pk.isdigit() else 0, memberships__agency=agency
            ).distinct()
    elif who == "division":
        division = request.POST.get("division", "")
        chosen = waiting.filter(
            employee__division_id=int(division) if division.isdigit() else 0,
            employee__agency=agency,
        )
    elif who == "everyone":
        chosen = waiting
    else:
        messages.error(request, "Choose whom to invite.")
        return redirect("accounts:people")
    sent = services.invitations_send(users=list(chosen), agency=agency, by=request.user)
    messages.success(
        request,
        f"{sent} invitation{'s' if sent != 1 else ''} queued: the worker e-mails "
        f"{'them' if sent != 1 else 'it'} within a minute.",
    )
    return redirect("accounts:people")


@require_POST
@policy.requires(policy.Permission.ACCOUNTS_MANAGE)
def invite_person(request: policy.AgencyRequest) -> HttpResponse:
    """Invite someone the roster does not list (a clinician), with one role."""
    form = InvitePersonForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/invite_person.html", {"form": form})
    data = form.cleaned_data
    services.person_invite(
        agency=request.agency,
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        role=Role(data["role"]),
        by=request.user,
    )
    messages.success(request, "The invitation is queued: the worker e-mails it within a minute.")
    return redirect("accounts:people")


@require_POST
@policy.requires(policy.Permission.ACCOUNTS_MANAGE)
def unlock(request: policy.AgencyRequest) -> HttpResponse:
    """Lift a lockout before its time is up, for someone of this agency."""
    pk = request.POST.get("user", "")
    user = (
        User.objects.filter(pk=int(pk), memberships__agency=request.agency).distinct().first()
        if pk.isdigit()
        else None
    )
    if user is None:  # nobody, or nobody of this agency: the same answer
        messages.error(request, "Choose someone of this agency to unlock.")
        return redirect("accounts:people")
    services.unlock(username=user.get_username(), by=request.user, agency=request.agency)
    messages.success(request, f"{user.get_full_name() or user.get_username()} can sign in again.")
    return redirect("accounts:people")


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer once an account is locked: the log-in page with a clear message,
    the same whether the user name exists or not."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = AuthenticationForm(request)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked": True, "minutes": minutes, "next": ""},
        status=429,
    )
