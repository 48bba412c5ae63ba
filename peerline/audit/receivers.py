"""Events written from signals: signing in, lockout, roles and the agency's settings.

Senders are named lazily ("accounts.Membership"), so this app imports no domain app. Each event
is written inside the save or delete that sends the signal, so within the transaction of the
change whenever the change runs in one (the admin, the services).
"""

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save

from .actor import current_actor
from .services import record

MEMBERSHIP = "accounts.Membership"
AGENCY = "agencies.Agency"


def home_agency(user: Any) -> int | None:
    """The agency a user's sign-in belongs to: the first of their agencies, as the policy's
    default choice (None for an account with no role: shown to system administrators only)."""
    membership = apps.get_model(MEMBERSHIP)
    # One query whether or not the account exists: a failure on an unknown name takes as long.
    return (
        membership.objects.filter(user_id=getattr(user, "pk", None))
        .order_by("agency__code")
        .values_list("agency_id", flat=True)
        .first()
    )


def _account(username: object) -> Any:
    """The account a sign-in attempt named, if one exists.

    The attempted name itself is never recorded, not even as a hash: a name field often receives
    a password typed in the wrong box, and a hash of a short guessable string is no protection.
    An attempt on a real account names that account (`user:<id>`), which is what an administrator
    needs to see a guessing attack; an attempt on no account records nothing of what was typed.
    """
    if not isinstance(username, str) or not username:
        return None
    model = get_user_model()
    return model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()


def signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("auth.signed_in", by=user, agency=home_agency(user), target=f"user:{user.pk}")


def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    account = _account(credentials.get(get_user_model().USERNAME_FIELD))
    record(
        "auth.sign_in_failed",
        by=AnonymousUser(),
        agency=home_agency(account),
        target=f"user:{account.pk}" if account else "",
    )


def locked_out(sender: Any, request: Any = None, username: Any = None, **kwargs: Any) -> None:
    account = _account(username)
    record(
        "auth.locked_out",
        by=AnonymousUser(),
        agency=home_agency(account),
        target=f"user:{account.pk}" if account else "",
    )


def membership_before(sender: Any, instance: Any, **kwargs: Any) -> None:
    instance._audit_old_role = (
        sender.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
        if instance.pk
        else None
    )


def membership_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    old = getattr(instance, "_audit_old_role", None)
    if created or old is None:
        action, detail = "role.granted", {"role": instance.role}
    elif old != instance.role:
        action, detail = "role.changed", {"old": old, "new": instance.role}
    else:
        return
    record(
        action,
        by=current_actor(),
        agency=instance.agency_id,
        target=f"user:{instance.user_id}",
        detail=detail,
    )


def membership_deleted(sender: Any, instance: Any, origin: Any = None, **kwargs: Any) -> None:
    if getattr(origin, "_meta", None) is not None and origin._meta.label == AGENCY:
        return  # a whole agency goes: one "agency.deleted" says it, not a row per role
    record(
        "role.removed",
        by=current_actor(),
        agency=instance.agency_id,
        target=f"user:{instance.user_id}",
        detail={"role": instance.role},
    )


def agency_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    record(
        "agency.deleted",
        by=current_actor(),
        agency=instance.pk,
        target=f"agency:{instance.pk}",
        detail={"code": instance.code},
    )


def _settings_fields(model: Any) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


def agency_before(sender: Any, instance: Any, **kwargs: Any) -> None:
    instance._audit_old = (
        sender.objects.filter(pk=instance.pk).values(*_settings_fields(sender)).first()
        if instance.pk
        else None
    )


def agency_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Program settings, old and new values of each field changed (2011 §3.2); the roles that
    may activate the team on their own event (it extends who may page people, 2011 §3.9)."""
    target = f"agency:{instance.pk}"
    old = getattr(instance, "_audit_old", None)
    if created or old is None:
        record("agency.created", by=current_actor(), agency=instance.pk, target=target)
        return
    changed = {
        name: {"old": old[name], "new": getattr(instance, name)}
        for name in old
        if old[name] != getattr(instance, name)
    }
    roles = changed.pop("activation_roles", None)
    if roles is not None:
        record(
            "activation_roles.changed",
            by=current_actor(),
            agency=instance.pk,
            target=target,
            detail=roles,
        )
    if changed:
        record(
            "settings.changed",
            by=current_actor(),
            agency=instance.pk,
            target=target,
            detail=changed,
        )


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid="audit.signed_in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit.sign_in_failed")
    pre_save.connect(membership_before, sender=MEMBERSHIP, dispatch_uid="audit.role_before")
    post_save.connect(membership_saved, sender=MEMBERSHIP, dispatch_uid="audit.role_saved")
    post_delete.connect(membership_deleted, sender=MEMBERSHIP, dispatch_uid="audit.role_deleted")
    pre_save.connect(agency_before, sender=AGENCY, dispatch_uid="audit.agency_before")
    post_save.connect(agency_saved, sender=AGENCY, dispatch_uid="audit.agency_saved")
    post_delete.connect(agency_deleted, sender=AGENCY, dispatch_uid="audit.agency_deleted")
    if "axes" in settings.INSTALLED_APPS:  # lockout, once django-axes is installed
        from axes.signals import user_locked_out

        user_locked_out.connect(locked_out, dispatch_uid="audit.locked_out")
