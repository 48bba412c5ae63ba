"""The demo agency of `peerline seed-demo`: a deterministic, realistic police department.

The same `employees` and `seed` (and day) give the same roster, names, numbers and chain of
command: every choice is drawn from one `random.Random(seed)` in a fixed order. The roster is
planned and written by `demo_roster`; this module builds the agency around it, seeds each app's
demo data and makes the demo log-ins.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from peerline.accounts.models import Membership, Role, User
from peerline.accounts.services import roster_accounts_sync
from peerline.agencies.models import Agency, Employee
from peerline.clinical.demo import seed_clinical
from peerline.contacts.demo import seed_contacts
from peerline.core.bulk import Where, delete_cascade
from peerline.incidents.demo import seed_incidents
from peerline.partners.models import AgreementStatus, PartnerAgreement
from peerline.partners.services import OFFER_ITEMS
from peerline.stats.releases import agency_close_due
from peerline.team.demo import seed_team
from peerline.training.demo import seed_training

from .demo_roster import (
    EMAIL_DOMAIN,
    FIRST_NAMES,
    LAST_NAMES,
    _Person,
    _plan,
    _Row,
    _write_roster,
)
from .program_demo import seed_program

DEMO_CODE = "DEMO"
DEMO_NAME = "Demo City Police Department"
DEMO_STATE = "CO"
DEMO_TIME_ZONE = "America/Denver"
DEMO_PASSWORD = "peerline-demo"  # noqa: S105 (a documented demo password, printed by the command)
# A small neighbouring agency whose team is shared with the demo agency, and back (2011 §3.8.2).
PARTNER_CODE = "DEMO-SO"
PARTNER_NAME = "Demo County Sheriff's Office"
PARTNER_EMPLOYEES = 120
PARTNER_EMAIL_DOMAIN = "demo-county.example"
MIN_EMPLOYEES = 50
MAX_EMPLOYEES = 50_000


@dataclass(frozen=True)
class DemoLogin:
    """One demo log-in: the account, its role in the demo agency and who the person is."""

    username: str
    role: Role
    who: str


@dataclass
class DemoResult:
    agency: Agency
    employees: int
    logins: list[DemoLogin] = field(default_factory=list)
    password: str = DEMO_PASSWORD
    # The partner agency's log-ins (same password), its roles in that agency.
    partner_logins: list[DemoLogin] = field(default_factory=list)


class DemoError(Exception):
    """The demo agency cannot be built as asked; the message says why."""


def seed_demo(*, employees: int, seed: int, today: date | None = None) -> DemoResult:
    """Replace the DEMO agency with a fresh one of `employees` people, drawn from `seed`.

    Other agencies are untouched. `today` (the agency's local date by default) anchors hire
    dates and planned separations, so a run on another day moves the dates and nothing else.
    """
    if not MIN_EMPLOYEES <= employees <= MAX_EMPLOYEES:
        raise DemoError(f"employees must be between {MIN_EMPLOYEES} and {MAX_EMPLOYEES:,}")
    today = today or timezone.localdate(timezone=ZoneInfo(DEMO_TIME_ZONE))
    rng = random.Random(seed)
    people = _plan(employees, rng)
    # One Argon2 hash of the published demo password, reused by every demo log-in of both
    # agencies: a hash costs about 0.1 s by design, and these accounts share a password that
    # the command prints anyway, so a salt of their own would protect nothing.
    password_hash = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {SPARED} (id bigint PRIMARY KEY)")
        delete_demo(spare=SPARED)
        agency = Agency.objects.create(
            code=DEMO_CODE, name=DEMO_NAME, state=DEMO_STATE, time_zone=DEMO_TIME_ZONE
        )
        rows = _write_roster(agency, people, rng, today)
        logins = _create_users(agency, people, rows, rng, password_hash)
        seed_team(agency=agency, seed=seed, today=today)
        seed_clinical(agency=agency, seed=seed, today=today)
        seed_incidents(agency=agency, seed=seed, today=today)
        seed_training(agency=agency, seed=seed, today=today)
        seed_contacts(agency=agency, seed=seed, today=today)
        # Past quarters are closed, so command staff have released reports to read (2011 §3.1).
        agency_close_due(agency=agency, today=today)
        partner_logins = _seed_partner(agency, seed, today, password_hash)
        # Everyone else on the roster gets a log-in to invite from the "Sign-in" page.
        roster_accounts_sync(agency=agency)
        _delete_spared(SPARED)
        # After the partner: the manual lists the agreements with it.
        seed_program(agency=agency, seed=seed, today=today)
    return DemoResult(
        agency=agency, employees=len(rows), logins=logins, partner_logins=partner_logins
    )


def _seed_partner(demo: Agency, seed: int, today: date, password_hash: str) -> list[DemoLogin]:
    """The neighbouring sheriff's office: its own roster and team, shared both ways (§3.8.2).
    Returns its log-ins."""
    rng = random.Random(seed + 1)  # its own draws: the demo agency is the same without it
    partner = Agency.objects.create(
        code=PARTNER_CODE, name=PARTNER_NAME, state=DEMO_STATE, time_zone=DEMO_TIME_ZONE
    )
    people = _plan(PARTNER_EMPLOYEES, rng)
    rows = _write_roster(partner, people, rng, today, email_domain=PARTNER_EMAIL_DOMAIN)
    # Its coordinator and a superior to recommend: selection needs them (2011 §4.1).
    logins = _create_users(partner, people, rows, rng, password_hash, PARTNER_USERS)
    seed_team(agency=partner, seed=seed + 1, today=today, username_prefix="psp-so-")
    # Both coordinators accepted it: the demo seeds both sides (2011 §3.8.2).
    PartnerAgreement.objects.create(
        agency=partner,
        partner=demo,
        starts_on=today - timedelta(days=400),
        status=AgreementStatus.ACCEPTED,
        offered_at=timezone.now() - timedelta(days=401),
        accepted_at=timezone.now() - timedelta(days=400),
        **{field: True for field in OFFER_ITEMS},
    )
    return logins


def delete_demo(*, spare: str | None = None) -> None:
    """Delete the demo agency and its partner, their rosters and the accounts only they have
    (`spare`: see `delete_agency`)."""
    for code in (PARTNER_CODE, DEMO_CODE):
        agency = Agency.objects.filter(code=code).first()
        if agency is not None:
            delete_agency(agency, spare=spare)


# The accounts of the previous demo that were never used, for the new roster to link again.
SPARED = "peerline_demo_spared_accounts"


def delete_agency(agency: Agency, *, spare: str | None = None) -> dict[str, int]:
    """Delete an agency, everything that hangs from it and the accounts only it has, table by
    table (`core.bulk.delete_cascade`): one DELETE per table whose WHERE names the agency, never
    a list of its rows' keys, and nothing of another agency but what names this one's rows (a
    partner agreement with it; a key to its rows set to NULL, as the models declare). One
    `agency.deleted` audit event says it, not a row per role (the agency row goes last, through
    the ORM, so its receivers run). The number of rows per table is returned.

    The accounts that go: those with a role in the agency or its employee record, and neither a
    role in nor an employee record of another agency. With `spare` (a temporary table with an
    `id` column), those never used (inactive, no usable password, never signed in: the roster's
    log-ins nobody was invited to) lose every row that names them but stay, their ids added to
    it: a roster import links an account again by its e-mail (`roster_accounts_sync`). On
    PostgreSQL each deleted account costs a check of every foreign key that names accounts (54:
    25 s for 50,000), so a re-seeded demo reuses its log-ins; `_delete_spared` deletes those the
    new roster did not link.
    """
    user_model = get_user_model()
    users = _q(user_model._meta.db_table)
    memberships = _q(Membership._meta.db_table)
    employees = _q(Employee._meta.db_table)
    # Fixed before any row goes: the memberships and employees that say whose they are go too.
    doomed = f"peerline_deleted_users_{agency.pk}"
    sql = f"""
        INSERT INTO {doomed} (id)
        SELECT u.id FROM {users} u
        WHERE (u.id IN (SELECT user_id FROM {memberships} WHERE agency_id = %s)
               OR u.id IN (SELECT user_id FROM {employees}
                           WHERE agency_id = %s AND user_id IS NOT NULL))
          AND u.id NOT IN (SELECT user_id FROM {memberships} WHERE agency_id <> %s)
          AND u.id NOT IN (SELECT user_id FROM {employees}
                           WHERE agency_id <> %s AND user_id IS NOT NULL)
    """  # noqa: S608 (table names; values are parameters)
    roots: dict[type[Model], Where] = {
        Agency: (f"{_q(Agency._meta.db_table)}.id = %s", [agency.pk]),
        user_model: (f"{users}.id IN (SELECT id FROM {doomed})", []),  # noqa: S608
    }
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {doomed} (id bigint PRIMARY KEY)")
            cursor.execute(sql, [agency.pk] * 4)
        if spare is None:
            counts = delete_cascade(roots, keep=[Agency], quiet=[Membership])
        else:
            # Every row naming the accounts goes; the accounts stay, then the used ones go.
            counts = delete_cascade(roots, keep=[Agency, user_model], quiet=[Membership])
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""INSERT INTO {spare} (id) SELECT id FROM {users}
                    WHERE id IN (SELECT id FROM {doomed}) AND NOT is_active
                      AND last_login IS NULL AND password LIKE %s""",  # noqa: S608
                    [UNUSABLE_PASSWORD_PREFIX + "%"],
                )
                cursor.execute(f"DELETE FROM {doomed} WHERE id IN (SELECT id FROM {spare})")  # noqa: S608
            counts[user_model._meta.label] = _delete_accounts(doomed)
        # The agency's own receiver writes the one event (a role's is silent then: `quiet`).
        agency.delete()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {doomed}")
    return counts


def _delete_accounts(table: str) -> int:
    """Delete the accounts whose ids `table` holds, and what hangs from them."""
    user_model = get_user_model()
    users = _q(user_model._meta.db_table)
    where: Where = (f"{users}.id IN (SELECT id FROM {table})", [])  # noqa: S608
    # Their roles went with the agency: no `role.removed` is owed.
    counts = delete_cascade({user_model: where}, quiet=[Membership])
    return counts.get(user_model._meta.label, 0)


def _delete_spared(spare: str) -> None:
    """The spared accounts of the previous demo that the new roster did not link go."""
    employees = _q(Employee._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {spare} WHERE id IN "  # noqa: S608
            f"(SELECT user_id FROM {employees} WHERE user_id IS NOT NULL)"
        )
    _delete_accounts(spare)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {spare}")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


# -- log-ins -------------------------------------------------------------------------------------

# Role → username and the employee behind it, if any: (rank, division code or any division).
DEMO_USERS: list[tuple[Role, str, tuple[str, str | None] | None]] = [
    (Role.EMPLOYEE, "employee", ("Telecommunicator", "COMM")),
    (Role.PEER_SUPPORTER, "peer", ("Police Officer", "PATROL-N")),
    (Role.COORDINATOR, "coordinator", ("Sergeant", "ADMIN")),
    (Role.CLINICAL_ADVISOR, "clinician", None),
    (Role.COMMAND_STAFF, "command", ("Commander", None)),
    (Role.STEERING_COMMITTEE, "steering", ("Lieutenant", None)),
    (Role.SYSTEM_ADMIN, "admin", None),
]


# The partner's log-ins (same password): those its team's selection needs.
PARTNER_USERS: list[tuple[Role, str, tuple[str, str | None] | None]] = [
    (Role.COORDINATOR, "coordinator-so", ("Sergeant", None)),
    (Role.STEERING_COMMITTEE, "steering-so", ("Lieutenant", None)),
]


def _create_users(
    agency: Agency,
    people: list[_Person],
    rows: list[_Row],
    rng: random.Random,
    password_hash: str,
    wanted: list[tuple[Role, str, tuple[str, str | None] | None]] = DEMO_USERS,
) -> list[DemoLogin]:
    """One log-in per role, linked to a fitting employee; one shared demo password, whose hash
    (`make_password(DEMO_PASSWORD)`) the caller makes once for all of them."""
    users = get_user_model().objects

    def create(username: str, email: str, first: str, last: str, admin: bool = False) -> User:
        # What `create_user` / `create_superuser` do, with the hash made once, not per user.
        user = users.model(
            username=users.model.normalize_username(username),
            email=users.normalize_email(email),
            password=password_hash,
            first_name=first,
            last_name=last,
            is_staff=admin,
            is_superuser=admin,
        )
        user.save()
        return user

    taken = list(
        users.filter(username__in=[name for _, name, _ in wanted]).values_list(
            "username", flat=True
        )
    )
    if taken:
        raise DemoError(
            f"the demo usernames {', '.join(sorted(taken))} belong to accounts outside the demo "
            "agency; rename or delete them first"
        )
    logins = []
    for role, username, kind in wanted:
        employee = None
        if kind is not None:
            rank, division = kind
            fitting = [
                row
                for i, row in enumerate(rows)
                if people[i].rank == rank and (division is None or people[i].division == division)
            ]
            settled = [row for row in fitting if row.good_standing and not row.separation_kind]
            chosen = rng.choice(settled or fitting)
            employee = Employee.objects.select_related("division", "shift").get(pk=chosen.pk)
        if role == Role.SYSTEM_ADMIN:
            user = create(username, f"{username}@{EMAIL_DOMAIN}", "Demo", "Administrator", True)
            who = "System administrator (staff and superuser; no employee record)"
        elif employee is None:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            user = create(username, f"{username}@{EMAIL_DOMAIN}", first, last)
            who = f"Dr. {first} {last}, contract clinician (no employee record)"
        else:
            user = create(username, employee.email, employee.first_name, employee.last_name)
            employee.user = user
            employee.save(update_fields=["user"])
            who = (
                f"{employee.rank} {employee.full_name}, {employee.division.name}, "
                f"{employee.shift.name if employee.shift else 'no'} shift"
            )
        Membership.objects.create(user=user, agency=agency, role=role)
        logins.append(DemoLogin(username=username, role=role, who=who))
    return logins
