"""Accounts, per-agency roles and API tokens.

A user's roles are held per agency (2011 §3.8.2: one deployment may serve several agencies of a
regional team); the policy module (`policy.py`) is the one place that reads them.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from peerline.core import rawsql

from . import keys


class Disabled(models.TextChoices):
    """Why an account no longer signs in (its roles stay but grant nothing: `policy` reads only
    active users' memberships)."""

    SEPARATED = "separated", "Left the agency (roster import)"
    INACTIVE = "inactive", "Unused for too long (CJIS AC-2(3))"


class User(AbstractUser):
    """A person who logs in. Their link to the HR roster, if any, is `Employee.user`.

    An account made from the roster or by an invitation has no usable password and is inactive
    until the person sets one through the invitation's link.
    """

    invited_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(
        max_length=16, choices=Disabled.choices, blank=True, default=""
    )
    # When the "your account will be disabled" notice went out (one per quiet spell).
    inactivity_notice_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accounts_user"
        # The people page lists accounts by name, 50 a page: an index in that order lets it
        # read 50 rows instead of sorting every account of a 50,000-employee agency (issue 18).
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="accounts_user_name_idx")
        ]


class Role(models.TextChoices):
    """The roles of DESIGN.md, each named after the guideline clause it serves."""

    EMPLOYEE = "employee", "Employee"  # 2011 §1.1, §3.6: any member may seek and choose support
    PEER_SUPPORTER = "peer_supporter", "Peer supporter"  # 2011 §2.1
    COORDINATOR = "coordinator", "Program coordinator"  # 2011 §3.9
    CLINICAL_ADVISOR = "clinical_advisor", "Clinical advisor"  # 2011 §3.4, §5.1
    COMMAND_STAFF = "command_staff", "Command staff"  # 2011 §3.1: anonymous statistics only
    STEERING_COMMITTEE = "steering_committee", "Steering committee member"  # 2011 §3.2, §8.1
    SYSTEM_ADMIN = "system_admin", "System administrator"


class Membership(models.Model):
    """One role of one user in one agency."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="unique_membership_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency.code}"


def _legacy_digest(key: str) -> str:
    # Before tokens had their own key they were hashed with SECRET_KEY; a token still stored
    # that way is re-hashed with the token key the first time it is used.
    return hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()


LAST_USED_EVERY = timedelta(minutes=1)  # `last_used_at` is written at most this often


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def for_key(self, key: str) -> "ApiToken | None":
        """The live token with this key: its user active, not expired. Notes its use."""
        now = timezone.now()
        live = self.select_related("user").filter(user__is_active=True, expires_at__gt=now)
        found = live.filter(digest=keys.digest(key)).first()
        if found is None:
            found = live.filter(digest=_legacy_digest(key)).first()
            if found is None:
                return None
            found.digest = keys.digest(key)
            found.save(update_fields=["digest"])
        _note_use(found, now)
        return found

    def for_key_with_roles(self, key: str) -> "tuple[ApiToken | None, list[Membership]]":
        """The live token with this key and its user's memberships (with their agencies) in
        one query: what an API request needs before anything else (issue 18). A user with no
        role, or a token still stored the old way, takes `for_key`'s path instead.

        The ORM's query for this join cost more to compile than to run: it is written out once
        per database (`_ROLES_SQL`), its columns taken from the models."""
        now = timezone.now()
        connection = connections[self.db]
        sql = _roles_sql(connection)
        expires = ApiToken._meta.get_field("expires_at").get_db_prep_value(now, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [keys.digest(key), expires, True])
            rows = cursor.fetchall()
        if not rows:
            return self.for_key(key), []
        membership, user, agency, token = _columns()
        token_at = len(membership) + len(user) + len(agency)
        found_user = user.build(rows[0], len(membership), connection)
        memberships = []
        for row in rows:
            role = membership.build(row, 0, connection)
            Membership.user.field.set_cached_value(role, found_user)
            Membership.agency.field.set_cached_value(
                role, agency.build(row, len(membership) + len(user), connection)
            )
            memberships.append(role)
        found = token.build(rows[0], token_at, connection)
        ApiToken.user.field.set_cached_value(found, found_user)
        _note_use(found, now)
        return found, memberships


def _roles_sql(connection: BaseDatabaseWrapper) -> str:
    """`for_key_with_roles`'s statement for this database: the token by its digest, live and
    its user active, joined to every role of the user with its agency, in agency code order."""
    sql = _ROLES_SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        columns = _columns()
        tables = {c.alias: quote(c.model._meta.db_table) for c in columns}
        # Names from the models, values as parameters.
        sql = (
            f"SELECT {', '.join(c.select(connection) for c in columns)} "  # noqa: S608
            f"FROM {tables['m']} m "
            f"INNER JOIN {tables['u']} u ON m.user_id = u.id "
            f"INNER JOIN {tables['a']} a ON m.agency_id = a.id "
            f"INNER JOIN {tables['t']} t ON t.user_id = u.id "
            "WHERE t.digest = %s AND t.expires_at > %s AND u.is_active = %s "
            "ORDER BY a.code"
        )
        _ROLES_SQL[connection.vendor] = sql
    return sql


_ROLES_SQL: dict[str, str] = {}
_COLUMNS: tuple[rawsql.Columns, ...] = ()


def _columns() -> tuple[rawsql.Columns, ...]:
    """The membership's, user's, agency's and token's columns, in the statement's order."""
    global _COLUMNS
    if not _COLUMNS:
        # Built whole, then published in one assignment: a request on another thread sees
        # either nothing (and builds its own) or all four, never a list being filled.
        _COLUMNS = tuple(
            rawsql.Columns(model, alias)
            for alias, model in (
                ("m", Membership), ("u", User), ("a", apps.get_model("agencies", "Agency")),
                ("t", ApiToken),
            )
        )  # fmt: skip
    return _COLUMNS


# Where `user_with_roles` keeps the memberships it read with the user; `policy` reads them from
# there instead of asking again (the session's user on every request, issue 18).
MEMBERSHIPS_ATTR = "_peerline_membership_rows"


def user_with_roles(user_id: int, using: str = "default") -> "User | None":
    """The user `user_id` with every membership and its agency, in agency code order, in one
    query (`MEMBERSHIPS_ATTR` on the user): what every signed-in request needs first. Written
    out like `for_key_with_roles`, for the same reason (compiling the join cost more than
    running it). The caller decides whether the account may sign in (an inactive one)."""
    connection = connections[using]
    sql = _USER_ROLES_SQL.get(connection.vendor)
    user, membership, agency = _user_columns()
    if sql is None:
        quote = connection.ops.quote_name
        tables = {c.alias: quote(c.model._meta.db_table) for c in (user, membership, agency)}
        sql = (
            f"SELECT {user.select(connection)}, {membership.select(connection)}, "  # noqa: S608
            f"{agency.select(connection)} FROM {tables['u']} u "
            f"LEFT JOIN {tables['m']} m ON m.user_id = u.id "
            f"LEFT JOIN {tables['a']} a ON a.id = m.agency_id "
            "WHERE u.id = %s ORDER BY a.code, m.id"
        )
        _USER_ROLES_SQL[connection.vendor] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        rows = cursor.fetchall()
    if not rows:
        return None
    found = user.build(rows[0], 0, connection)
    at_agency = len(user) + len(membership)
    membership_pk = len(user) + membership.names.index(Membership._meta.pk.attname)
    memberships = []
    for row in rows:
        if row[membership_pk] is None:  # no membership: the LEFT JOIN's one empty row
            continue
        role = membership.build(row, len(user), connection)
        Membership.user.field.set_cached_value(role, found)
        Membership.agency.field.set_cached_value(role, agency.build(row, at_agency, connection))
        memberships.append(role)
    setattr(found, MEMBERSHIPS_ATTR, memberships)
    return found  # type: ignore[no-any-return]


_USER_ROLES_SQL: dict[str, str] = {}
_USER_COLUMNS: list[rawsql.Columns] = []


def _user_columns() -> list[rawsql.Columns]:
    """The user's, membership's and agency's columns, in `user_with_roles`' order."""
    if not _USER_COLUMNS:
        _USER_COLUMNS.extend(
            rawsql.Columns(model, alias)
            for alias, model in (
                ("u", User), ("m", Membership), ("a", apps.get_model("agencies", "Agency")),
            )
        )  # fmt: skip
    return _USER_COLUMNS


def _note_use(token: "ApiToken", now: datetime) -> None:
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        # One UPDATE a minute at most, whatever the request rate.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def _default_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.PEERLINE_TOKEN_DAYS)


class ApiToken(models.Model):
    """A per-user bearer token for the JSON API. Only its keyed hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80, blank=True, help_text="What the token is for.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_default_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"token of {self.user}"

    @classmethod
    def issue(cls, user: User, *, name: str = "", days: int | None = None) -> str:
        """Create a token for `user` and return its key, which is shown once and never stored."""
        key = settings.API_TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires = timezone.now() + timedelta(days=days or settings.PEERLINE_TOKEN_DAYS)
        cls.objects.create(user=user, name=name, digest=keys.digest(key), expires_at=expires)
        return key


class PendingInvitation(models.Model):
    """An invitation asked for and not sent yet (issue 11 §1). The web request writes this row;
    the worker sends the e-mail (`services.invitations_deliver`), making the single-use link at
    that moment, so neither the request waits on the mail server nor any table holds the link."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="pending_invitation")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"invitation pending for account {self.user_id}"
