"""`peerline seed-demo`: a deterministic, realistic demo agency that a re-run replaces."""

import hashlib
import re
import statistics
from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from peerline.accounts.models import Membership, Role
from peerline.agencies import chain
from peerline.agencies.models import Agency, Category, Employee, JobFamily, SeparationKind
from peerline.testing import personas as p
from peerline.web import demo, demo_roster

TODAY = date(2026, 3, 16)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """A 600-person demo agency (the size `make demo` seeds), built once for the module with the
    configured password hasher, so that the log-in test checks real Argon2 hashes."""
    with django_db_blocker.unblock():
        result = demo.seed_demo(employees=600, seed=1, today=TODAY)
    yield result
    with django_db_blocker.unblock():
        demo.delete_demo()


@pytest.fixture
def fast_hashing(settings):
    """Re-seeding tests don't need a slow key-derivation function for seven demo passwords."""
    settings.PASSWORD_HASHERS = FAST_HASHER


def roster(agency: Agency) -> dict[int, dict]:
    fields = [
        "pk",
        "employee_number",
        "first_name",
        "last_name",
        "email",
        "phone",
        "category",
        "job_family",
        "rank",
        "division__code",
        "shift__code",
        "supervisor_id",
        "chain_path",
        "good_standing",
        "hire_date",
        "separation_date",
        "separation_kind",
        "user__username",
    ]
    return {row["pk"]: row for row in Employee.objects.filter(agency=agency).values(*fields)}


def fingerprint(agency: Agency) -> str:
    """The roster and its chain of command, with employee numbers in place of primary keys
    (which differ from run to run)."""
    rows = roster(agency)
    number = {pk: row["employee_number"] for pk, row in rows.items()}
    lines = []
    for row in sorted(rows.values(), key=lambda row: row["employee_number"]):
        path = row["chain_path"]
        chain_numbers = [number[int(path[i : i + 9])] for i in range(0, len(path), 9)]
        fields = {k: v for k, v in row.items() if k not in {"pk", "supervisor_id", "chain_path"}}
        supervisor = number.get(row["supervisor_id"])
        lines.append(f"{sorted(fields.items())} {supervisor} {chain_numbers}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def assert_structure(agency: Agency) -> None:
    """What every demo agency has, whatever its size."""
    rows = roster(agency)
    chiefs = [row for row in rows.values() if row["supervisor_id"] is None]
    assert [row["rank"] for row in chiefs] == ["Chief of Police"]
    assert chiefs[0]["job_family"] == JobFamily.COMMAND
    for row in rows.values():
        above = rows[row["supervisor_id"]]["chain_path"] if row["supervisor_id"] else ""
        assert row["chain_path"] == chain.path_for(row["pk"], above)
    ranks = Counter(row["rank"] for row in rows.values())
    for rank in ["Commander", "Lieutenant", "Sergeant", "Police Officer", "Telecommunicator"]:
        assert ranks[rank] >= 1, rank
    # The communications center: civilians under civilian supervisors and a civilian manager.
    comm = [row for row in rows.values() if row["division__code"] == "COMM"]
    managers = [row for row in comm if rows[row["supervisor_id"]]["division__code"] != "COMM"]
    assert [row["rank"] for row in managers] == ["Communications Manager"]
    assert {row["category"] for row in comm} == {Category.CIVILIAN}
    assert {row["job_family"] for row in comm} == {JobFamily.TELECOMMUNICATIONS}
    for row in comm:
        if row["rank"] == "Telecommunicator":
            assert rows[row["supervisor_id"]]["rank"] == "Communications Supervisor"
    records = [row for row in rows.values() if row["division__code"] == "RECORDS"]
    assert {(row["category"], row["job_family"]) for row in records} == {
        (Category.CIVILIAN, JobFamily.RECORDS)
    }
    assert {row["shift__code"] for row in rows.values() if row["division__code"] == "ADMIN"} == {
        "DAY"
    }


@pytest.mark.parametrize("employees", [50, 137])
def test_it_has_every_level_and_a_comm_center_when_small(db, fast_hashing, employees):
    result = demo.seed_demo(employees=employees, seed=4, today=TODAY)
    assert Employee.objects.filter(agency=result.agency).count() == employees
    assert_structure(result.agency)
    officer = Employee.objects.get(user__username="peer")
    ranks = [Employee.objects.get(pk=pk).rank for pk in chain.ancestor_ids(officer)]
    assert ranks[:2] == ["Sergeant", "Lieutenant"]
    assert ranks[-1] == "Chief of Police"


def test_it_builds_a_realistic_agency(db, seeded):
    agency = seeded.agency
    assert (agency.code, agency.name, agency.state) == ("DEMO", "Demo City Police Department", "CO")
    assert agency.time_zone == "America/Denver"
    assert seeded.employees == 600
    assert_structure(agency)
    rows = roster(agency)
    assert {code for (code,) in agency.divisions.values_list("code")} == {
        code for code, _ in demo_roster.DIVISIONS
    }
    assert set(agency.shifts.values_list("name", flat=True)) == {"Day", "Evening", "Night"}
    sworn = sum(row["category"] == Category.SWORN for row in rows.values()) / len(rows)
    assert 0.65 <= sworn <= 0.75
    assert {row["job_family"] for row in rows.values()} == set(JobFamily.values)
    families = {row["rank"]: row["job_family"] for row in rows.values()}
    assert families["Detective"] == JobFamily.INVESTIGATIONS
    assert families["Corrections Officer"] == JobFamily.CORRECTIONS
    assert families["Records Clerk"] == JobFamily.RECORDS
    assert families["Deputy Chief"] == JobFamily.COMMAND


def test_sergeants_supervise_six_to_ten(db, seeded):
    rows = roster(seeded.agency)
    reports = Counter(row["supervisor_id"] for row in rows.values())
    spans = [reports[pk] for pk, row in rows.items() if row["rank"] == "Sergeant"]
    assert max(spans) <= 10
    assert 6 <= statistics.median(spans) <= 10
    assert sum(6 <= span <= 10 for span in spans) >= 0.8 * len(spans)
    lieutenants = [reports[pk] for pk, row in rows.items() if row["rank"] == "Lieutenant"]
    assert all(2 <= span <= 7 for span in lieutenants)
    # Every supervisor title supervises someone; line staff supervise no one.
    for pk, row in rows.items():
        supervises = reports[pk] > 0
        line = row["rank"] in {title for unit in demo_roster.UNITS for title, _ in unit.line}
        assert supervises != line, row["rank"]


def test_people_look_real_and_fictional(db, seeded):
    rows = list(roster(seeded.agency).values())
    emails = [row["email"] for row in rows]
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+\d*@demo-city\.example", email) for email in emails)
    assert all(re.fullmatch(r"720-555-01\d\d", row["phone"]) for row in rows)
    numbers = [row["employee_number"] for row in rows]
    assert len(set(numbers)) == len(numbers)
    assert all(row["hire_date"] < TODAY for row in rows)
    by_number = sorted(rows, key=lambda row: row["employee_number"])
    assert [row["hire_date"] for row in by_number] == sorted(row["hire_date"] for row in rows)
    not_in_good_standing = sum(not row["good_standing"] for row in rows)
    assert 1 <= not_in_good_standing <= 0.06 * len(rows)


def test_about_four_percent_plan_to_retire_within_two_years(db, seeded):
    rows = list(roster(seeded.agency).values())
    kinds = Counter(row["separation_kind"] for row in rows)
    assert kinds[SeparationKind.RETIREMENT] == 24  # 4% of 600
    assert kinds[SeparationKind.TRANSFER] >= 3
    assert kinds[SeparationKind.PROMOTION] >= 3
    for row in rows:
        assert bool(row["separation_kind"]) == (row["separation_date"] is not None)
        if row["separation_date"]:
            assert TODAY < row["separation_date"] <= TODAY + timedelta(days=730)
        if row["separation_kind"] == SeparationKind.RETIREMENT:
            assert (TODAY - row["hire_date"]).days >= 20 * 365


@pytest.mark.argon2
def test_every_role_has_a_user_who_can_log_in(db, seeded):
    logins = {login.role: login.username for login in seeded.logins}
    assert set(logins) == set(Role)
    for role, username in logins.items():
        assert Client().login(username=username, password=demo.DEMO_PASSWORD), username
        assert Membership.objects.filter(
            user__username=username, agency=seeded.agency, role=role
        ).exists()
    employee_of = {
        row["user__username"]: row
        for row in roster(seeded.agency).values()
        if row["user__username"]
    }
    assert (employee_of["coordinator"]["rank"], employee_of["coordinator"]["division__code"]) == (
        "Sergeant",
        "ADMIN",
    )
    assert employee_of["peer"]["rank"] == "Police Officer"
    assert employee_of["peer"]["job_family"] == JobFamily.PATROL
    assert employee_of["employee"]["rank"] == "Telecommunicator"
    assert employee_of["command"]["rank"] == "Commander"
    assert employee_of["steering"]["rank"] == "Lieutenant"
    # Everyone else on the roster has an inactive account named by their work e-mail (issue 11).
    assert {u for u in employee_of if not u.startswith("psp-") and "@" not in u} == {
        "coordinator",
        "peer",
        "employee",
        "command",
        "steering",
    }
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert admin.password.startswith("argon2")


def named_logins(agency):
    """The demo's one log-in per role: not the PSPs' nor the roster's own accounts."""
    return (
        Membership.objects.filter(agency=agency)
        .exclude(user__username__startswith="psp-")
        .exclude(user__username__contains="@")
    )


def assert_one_log_in_per_role(agency):
    # Those linked to the roster also hold the employee role (issue 11): seven people, each role.
    logins = named_logins(agency)
    assert {m.role for m in logins} == set(Role)
    assert logins.values("user").distinct().count() == len(Role)


def test_the_roster_has_inactive_accounts_by_work_email(db, seeded):
    employees = Employee.objects.filter(agency=seeded.agency).exclude(email="")
    unlinked = employees.filter(user__isnull=True)
    assert not unlinked.exists()
    roster_only = employees.filter(user__username__contains="@")
    assert roster_only.count() > 500
    assert not roster_only.filter(user__is_active=True).exists()
    assert all(e.user.username == e.email.casefold() for e in roster_only[:50])


def test_the_same_seed_gives_the_same_agency(db, fast_hashing):
    first = fingerprint(demo.seed_demo(employees=300, seed=7, today=TODAY).agency)
    again = fingerprint(demo.seed_demo(employees=300, seed=7, today=TODAY).agency)
    other = fingerprint(demo.seed_demo(employees=300, seed=8, today=TODAY).agency)
    assert first == again
    assert other != first


def test_a_rerun_replaces_the_demo_agency_and_nothing_else(db, fast_hashing, chain, users):
    other = p.make_agency(code="NEIGHBOUR", name="Neighbour County Sheriff")
    demos = [demo.DEMO_CODE, demo.PARTNER_CODE]
    before = {agency.code: roster(agency) for agency in Agency.objects.exclude(code__in=demos)}
    assert set(before) == {"TEST", "OTHER", "NEIGHBOUR"}
    demo.seed_demo(employees=120, seed=1, today=TODAY)
    # Someone with a role elsewhere who was also given one in the demo keeps their account.
    shared = users["outsider"]
    Membership.objects.create(
        user=shared, agency=Agency.objects.get(code="DEMO"), role=Role.COORDINATOR
    )
    result = demo.seed_demo(employees=80, seed=2, today=TODAY)

    assert Agency.objects.filter(code__in=demos).count() == 2
    assert Employee.objects.filter(agency=result.agency).count() == 80
    assert get_user_model().objects.filter(username__in=["peer", "admin"]).count() == 2
    assert get_user_model().objects.filter(pk=shared.pk).exists()
    assert not Membership.objects.filter(user=shared, agency=result.agency).exists()
    assert_one_log_in_per_role(result.agency)
    assert {code: roster(Agency.objects.get(code=code)) for code in before} == before
    assert other.employees.count() == 0


def test_the_command_prints_a_log_in_for_each_role(db, fast_hashing):
    out = StringIO()
    call_command("seed-demo", "--employees", "50", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert "Demo City Police Department (DEMO): 50 employees, seed 3" in text
    for username in ["employee", "peer", "coordinator", "clinician", "command", "steering"]:
        assert re.search(rf"^{username} +peerline-demo +\S", text, re.MULTILINE), username
    assert re.search(r"^admin +peerline-demo +System administrator", text, re.MULTILINE)


def test_the_command_prints_the_partner_agencys_log_ins_the_same_way(db, fast_hashing):
    out = StringIO()
    call_command("seed-demo", "--employees", "50", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert "Demo County Sheriff's Office (DEMO-SO) log-ins (the same password)" in text
    for username, role in [("coordinator-so", "Program coordinator"),
                           ("steering-so", "Steering committee member")]:  # fmt: skip
        assert re.search(rf"^{username} +peerline-demo +{role} +\S", text, re.MULTILINE), username
        # The password printed is theirs.
        assert get_user_model().objects.get(username=username).check_password("peerline-demo")


def test_the_command_refuses_a_size_it_cannot_build(db):
    with pytest.raises(CommandError, match="between 50 and 50,000"):
        call_command("seed-demo", "--employees", "10", stdout=StringIO())


def test_it_changes_nothing_when_a_demo_username_belongs_to_someone_else(
    db, fast_hashing, seeded, other_agency
):
    # The demo admin also administers another agency, so a re-run must not delete the account.
    admin = get_user_model().objects.get(username="admin")
    Membership.objects.create(user=admin, agency=other_agency, role=Role.SYSTEM_ADMIN)
    with pytest.raises(demo.DemoError, match="usernames admin belong to accounts outside"):
        demo.seed_demo(employees=50, seed=1, today=TODAY)
    assert Employee.objects.filter(agency=seeded.agency).count() == 600
    assert_one_log_in_per_role(seeded.agency)
