"""Pages of sign-in: the second factor (enrol, verify, manage) and the single sign-on refusal.

Two factors through django-otp (authenticator apps, recovery codes) and django-otp-webauthn
(passkeys), issue 11 §3. Codes are checked by the library's devices, which throttle failures.
"""

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from django_otp_webauthn.models import WebAuthnCredential

from peerline.accounts import policy
from peerline.accounts.sessions import ask_again

from . import oidc, services
from .middleware import needs_second_factor, second_factor_open
from .selectors import has_second_factor, second_factor_required

TOTP_KEY_SESSION_KEY = "peerline_totp_key"
NEW_CODES_SESSION_KEY = "peerline_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe and wanted else resolve_url(settings.LOGIN_REDIRECT_URL)


def _step(name: str, request: HttpRequest) -> HttpResponse:
    """Redirect to another second-factor page, carrying where the person was going."""
    return redirect(f"{reverse(name)}?{urlencode({'next': _next_url(request)})}")


def _pending_key(request: HttpRequest) -> str:
    key = request.session.get(TOTP_KEY_SESSION_KEY)
    if not key:
        key = request.session[TOTP_KEY_SESSION_KEY] = default_key()
    return str(key)


def _code_step(key: str, code: str) -> int | None:
    """The time step at which `code` is right for `key` (one step either side), else None."""
    code = code.replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(bytes.fromhex(key))
    return totp.t() if totp.verify(int(code), tolerance=1) else None


@second_factor_open
@policy.requires(policy.Permission.SECOND_FACTOR)
def enrol(request: policy.AgencyRequest) -> HttpResponse:
    """Add an authenticator app (or a passkey, with the page's script). The first factor a
    person enrols also gives them their recovery codes."""
    user = request.user
    if needs_second_factor(request) and has_second_factor(user):
        return _step("signin:verify", request)
    key = _pending_key(request)
    error = ""
    if request.method == "POST":
        step = _code_step(key, request.POST.get("code", ""))
        if step is None:
            error = "That code does not match. Type the six digits your app shows now."
        else:
            first = not has_second_factor(user)
            device = services.totp_enrol(
                user=user, key=key, name=request.POST.get("name", ""), last_t=step
            )
            del request.session[TOTP_KEY_SESSION_KEY]
            otp_login(request, device)
            return _after_enrolment(request, first)
    device = TOTPDevice(user=user, key=key, name="Authenticator app")
    context = {
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": _grouped(b32encode(bytes.fromhex(key)).decode()),
        "error": error,
        "next": _next_url(request),
        "required": second_factor_required(user),
        "first": not has_second_factor(user),
    }
    return render(request, "signin/enrol.html", context)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _after_enrolment(request: HttpRequest, first: bool) -> HttpResponse:
    if first or not StaticDevice.objects.filter(user=request.user).exists():
        request.session[NEW_CODES_SESSION_KEY] = services.recovery_codes_renew(
            user=request.user  # type: ignore[arg-type]
        )
        return _step("signin:recovery-codes", request)
    messages.success(request, "Your authenticator app is added.")
    return redirect(_next_url(request))


@second_factor_open
@policy.requires(policy.Permission.SECOND_FACTOR)
def verify(request: policy.AgencyRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, a recovery code, or a passkey."""
    user = request.user
    if not needs_second_factor(request):
        return redirect(_next_url(request))
    if not has_second_factor(user):
        return _step("signin:enrol", request)
    error = ""
    if request.method == "POST":
        device = _check_code(user, request.POST.get("code", ""))
        if device is None:
            error = "That code does not match. Try the code your app shows now, or a recovery code."
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice) and not device.token_set.exists():
                messages.warning(request, "That was your last recovery code: make new ones.")
            return redirect(_next_url(request))
    context = {
        "error": error,
        "next": _next_url(request),
        "has_app": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "has_passkey": WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
    }
    return render(request, "signin/verify.html", context, status=400 if error else 200)


def _check_code(user: Any, code: str) -> Any:
    code = code.strip().replace(" ", "").lower()
    if not code:
        return None
    # The devices are locked while checked, so that a code and its throttle are used once.
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if isinstance(device, TOTPDevice | StaticDevice) and device.verify_token(code):
                return device
    return None


@second_factor_open
@policy.requires(policy.Permission.SECOND_FACTOR)
def recovery_codes(request: policy.AgencyRequest) -> HttpResponse:
    """New recovery codes, shown once."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes or needs_second_factor(request):
        return redirect(_next_url(request))
    return render(
        request, "signin/recovery_codes.html", {"codes": codes, "next": _next_url(request)}
    )


@policy.requires(policy.Permission.SECOND_FACTOR)
def devices(request: policy.AgencyRequest) -> HttpResponse:
    """One's own second factors: add, remove, new recovery codes."""
    user = request.user
    recovery = StaticDevice.objects.filter(user=user).first()
    context = {
        "apps": TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"),
        "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"),
        "recovery_left": recovery.token_set.count() if recovery else None,
        "required": second_factor_required(user),
        "provider_mfa": bool(request.session.get(oidc.PROVIDER_MFA_SESSION_KEY)),
    }
    return render(request, "signin/devices.html", context)


@require_POST
@policy.requires(policy.Permission.SECOND_FACTOR)
def device_remove(request: policy.AgencyRequest, kind: str, pk: int) -> HttpResponse:
    model = {"app": TOTPDevice, "passkey": WebAuthnCredential}.get(kind)
    if model is None:
        return redirect("signin:devices")
    device = get_object_or_404(model, user=request.user, pk=pk)
    others = [d for d in services.factors_of(request.user) if d != device]
    if not others and second_factor_required(request.user):
        messages.error(
            request, "Your role needs a second factor: add another before removing this one."
        )
        return redirect("signin:devices")
    services.device_remove(user=request.user, device=device)
    messages.success(request, "Removed.")
    return redirect("signin:devices")


@require_POST
@policy.requires(policy.Permission.SECOND_FACTOR)
def recovery_codes_renew(request: policy.AgencyRequest) -> HttpResponse:
    if not has_second_factor(request.user) or not any(services.factors_of(request.user)):
        return redirect("signin:devices")
    request.session[NEW_CODES_SESSION_KEY] = services.recovery_codes_renew(user=request.user)
    return redirect(f"{reverse('signin:recovery-codes')}?next={reverse('signin:devices')}")


@second_factor_open
@policy.public
def refused(request: HttpRequest) -> HttpResponse:
    """Single sign-on said who this is, and Peerline does not let them in: say why."""
    reason = request.session.pop(oidc.REFUSED_SESSION_KEY, "provider")
    message = services.REFUSALS.get(reason, services.REFUSALS["provider"])
    return render(request, "signin/refused.html", {"message": message}, status=403)


@policy.requires(policy.Permission.ACCOUNTS_MANAGE)
def sign_in_policy(request: policy.AgencyRequest) -> HttpResponse:
    """The agency's sign-in policy, for the coordinator and the system administrator: Peerline
    passwords on or off, who needs a second factor, identity provider groups that grant roles.
    Every change goes to the audit trail with its old and new value."""
    from .forms import SignInPolicyForm
    from .selectors import policy_for

    current = policy_for(request.agency)
    form = SignInPolicyForm(request.POST or None, initial=SignInPolicyForm.initial_for(current))
    if request.method == "POST":
        # Changing how people sign in: the password again if it was typed long ago.
        again = ask_again(request)
        if again is not None:
            return again
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.policy_change(
                agency=request.agency,
                by=request.user,
                local_passwords=form.cleaned_data["local_passwords"],
                second_factor=form.cleaned_data["second_factor"],
                group_roles=form.cleaned_data["group_roles"],
            )
        except services.PolicyRefused as refused:
            form.add_error("local_passwords", str(refused))
        else:
            messages.success(request, "Sign-in policy saved." if changed else "Nothing changed.")
            return redirect("signin:policy")
    return render(
        request,
        "signin/policy.html",
        {"form": form, "sso_configured": oidc.enabled()},
    )
