"""Coverage counts for the steering committee and the coordinator (2011 §3.2, §3.8.1).

Codes and counts only: no person is named. The recruitment plan, which names candidates, has no
API; it is the coordinator's page.
"""

from datetime import date

from ninja import Router, Schema

from peerline.accounts import policy
from peerline.accounts.auth import api_auth
from peerline.agencies.clock import local_today

from .matrix import coverage_matrix

router = Router(tags=["coverage"])


class CellOut(Schema):
    shift: str | None  # the shift's code; null for employees with no fixed shift
    division: str
    category: str
    headcount: int
    active_psps: int
    on_leave: int
    required: int
    gap: int
    employees_per_psp: float | None  # null when the cell has no active PSP


class TotalsOut(Schema):
    headcount: int
    active_psps: int
    on_leave: int
    required: int
    gap: int  # the sum of the cells' gaps: a surplus in one cell fills no other


class CoverageOut(Schema):
    agency: str
    as_of: date
    employees_per_psp: int
    cells: list[CellOut]
    totals: TotalsOut


@router.get("/coverage", response=CoverageOut, auth=api_auth(policy.Permission.COVERAGE_VIEW))
def coverage(request: policy.AgencyRequest) -> dict[str, object]:
    """Today's coverage matrix: active PSPs against the target in each shift × division ×
    category cell (2011 §3.8.1). Cells with no employees are left out."""
    agency = request.agency
    matrix = coverage_matrix(agency=agency, on=local_today(agency))
    total = matrix.total
    return {
        "agency": agency.code,
        "as_of": matrix.on,
        "employees_per_psp": matrix.employees_per_psp,
        "cells": [
            {
                "shift": cell.shift,
                "division": cell.division,
                "category": cell.category,
                "headcount": cell.headcount,
                "active_psps": cell.active,
                "on_leave": cell.on_leave,
                "required": cell.required,
                "gap": cell.gap,
                "employees_per_psp": cell.employees_per_psp,
            }
            for cell in matrix.cells
            if cell.headcount or cell.active or cell.on_leave
        ],
        "totals": {
            "headcount": total.headcount,
            "active_psps": total.active,
            "on_leave": total.on_leave,
            "required": total.required,
            "gap": total.gap,
        },
    }
