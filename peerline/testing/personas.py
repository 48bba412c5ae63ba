"""Test personas: one user per role in a small agency, plus outsiders (STYLE §7).

Used by the fixtures in the top-level `conftest.py`. The agency is tiny but has a real chain of
command: chief → commander → lieutenant → sergeant → two officers, and a civilian
telecommunications supervisor with one telecommunicator.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from peerline.accounts.models import Membership, Role
from peerline.agencies import chain
from peerline.agencies.models import Agency, Category, Division, Employee, JobFamily, Shift


def make_agency(code: str = "TEST", name: str = "Test City Police Department") -> Agency:
    agency = Agency.objects.create(code=code, name=name, state="IL", time_zone="America/Chicago")
    for div_code, div_name in [
        ("PATROL", "Patrol"),
        ("INV", "Investigations"),
        ("COMM", "Communications"),
    ]:
        Division.objects.create(agency=agency, code=div_code, name=div_name)
    for shift_code, shift_name in [
        ("DAY", "Day shift"),
        ("EVE", "Evening shift"),
        ("NIGHT", "Night shift"),
    ]:
        Shift.objects.create(agency=agency, code=shift_code, name=shift_name)
    return agency


def make_employee(
    agency: Agency, number: str, supervisor: Employee | None = None, **fields
) -> Employee:
    defaults = {
        "first_name": f"First{number}",
        "last_name": f"Last{number}",
        "category": Category.SWORN,
        "job_family": JobFamily.PATROL,
        "division": agency.divisions.get(code="PATROL"),
        "shift": agency.shifts.get(code="DAY"),
    }
    employee = Employee.objects.create(
        agency=agency, employee_number=number, supervisor=supervisor, **{**defaults, **fields}
    )
    employee.chain_path = chain.path_for(employee.pk, supervisor.chain_path if supervisor else "")
    employee.save(update_fields=["chain_path"])
    return employee


@dataclass
class Chain:
    chief: Employee
    commander: Employee
    lieutenant: Employee
    sergeant: Employee
    officer: Employee
    officer2: Employee
    comm_supervisor: Employee
    telecommunicator: Employee


def make_chain(agency: Agency) -> Chain:
    chief = make_employee(agency, "1000", rank="Chief of Police", job_family=JobFamily.COMMAND)
    commander = make_employee(agency, "1100", chief, rank="Commander", job_family=JobFamily.COMMAND)
    lieutenant = make_employee(agency, "1110", commander, rank="Lieutenant")
    sergeant = make_employee(agency, "1111", lieutenant, rank="Sergeant")
    officer = make_employee(agency, "2001", sergeant, rank="Police Officer")
    officer2 = make_employee(agency, "2002", sergeant, rank="Police Officer")
    comm = agency.divisions.get(code="COMM")
    civilian = {
        "category": Category.CIVILIAN,
        "job_family": JobFamily.TELECOMMUNICATIONS,
        "division": comm,
    }
    comm_supervisor = make_employee(
        agency, "3000", chief, rank="Communications Supervisor", **civilian
    )
    telecommunicator = make_employee(
        agency, "3001", comm_supervisor, rank="Telecommunicator", **civilian
    )
    return Chain(
        chief, commander, lieutenant, sergeant, officer, officer2, comm_supervisor, telecommunicator
    )


def make_user(
    username: str, agency: Agency | None = None, *roles: Role, employee: Employee | None = None
):
    user = get_user_model().objects.create_user(username=username, password=None)
    for role in roles:
        assert agency is not None
        Membership.objects.create(user=user, agency=agency, role=role)
    if employee is not None:
        employee.user = user
        employee.save(update_fields=["user"])
    return user
