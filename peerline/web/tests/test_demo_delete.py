"""Deleting an agency table by table (issue 18): the same rows go as with Django's collector,
another agency's rows stay untouched, and every model that hangs from an agency is covered."""

from collections import Counter, deque
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Value
from django.db.models.functions import Concat

from peerline.accounts.models import Membership
from peerline.agencies.models import Agency, Employee
from peerline.audit.models import AuditEvent
from peerline.core.bulk import CascadeError, delete_cascade, plan_cascade
from peerline.team.models import AgreementSignature
from peerline.web import demo

TODAY = date(2026, 3, 16)
KEPT = {demo.DEMO_CODE: "KEPT", demo.PARTNER_CODE: "KEPT-SO"}


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def tables() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy]


def snapshot() -> dict[str, Counter]:
    """Every row of every table, audit events aside (they only grow, with times and hashes)."""
    rows = {}
    for model in tables():
        if model is not AuditEvent:
            names = [f.attname for f in model._meta.concrete_fields]
            rows[model._meta.label] = Counter(map(repr, model._base_manager.values_list(*names)))
    return rows


def agency_paths() -> dict[type[models.Model], list[str]]:
    """Each model's lookups to the agency that owns a row, found here by walking the foreign keys
    (not by the code under test): every path of CASCADE keys, as the collector follows them."""
    paths: dict[type[models.Model], list[str]] = {Agency: ["pk"]}
    queue = deque([Agency])
    while queue:
        target = queue.popleft()
        for model in tables():
            for f in model._meta.concrete_fields:
                if (
                    isinstance(f, models.ForeignKey)
                    and f.related_model is target
                    and f.remote_field.on_delete is models.CASCADE
                    and model is not target
                ):
                    new = [f"{f.name}__{p}" if p != "pk" else f.name for p in paths[target]]
                    known = paths.setdefault(model, [])
                    fresh = [p for p in new if p not in known and p.count("__") < 6]
                    if fresh:
                        known.extend(fresh)
                        queue.append(model)
    return paths


def old_delete(agency: Agency) -> None:
    """The deletion before issue 18, through Django's collector: the oracle."""
    users = get_user_model().objects
    demo_users = set(users.filter(memberships__agency=agency).values_list("pk", flat=True))
    demo_users |= set(users.filter(employee__agency=agency).values_list("pk", flat=True))
    elsewhere = set(Membership.objects.exclude(agency=agency).values_list("user_id", flat=True))
    agency.delete()
    users.filter(pk__in=demo_users - elsewhere).delete()


class Rollback(Exception):
    pass


@pytest.fixture
def two_demos(db, fast_hashing):
    """A demo and its partner kept under other codes, then a new demo and partner beside them."""
    demo.seed_demo(employees=50, seed=3, today=TODAY)
    for code, kept in KEPT.items():
        Agency.objects.filter(code=code).update(code=kept)
    # Its log-ins renamed, so that the new demo's are free.
    get_user_model().objects.exclude(username__contains="@").update(
        username=Concat(Value("kept-"), "username")
    )
    demo.seed_demo(employees=50, seed=4, today=TODAY)


def test_every_model_that_hangs_from_an_agency_is_deleted_with_it():
    plan = plan_cascade({Agency: ('"agencies_agency"."id" = %s', [0])}, keep=[Agency])
    hanging = set(agency_paths()) - {Agency}
    assert len(hanging) > 40
    assert hanging <= set(plan.deleted)
    assert AuditEvent not in plan.deleted  # the trail outlives the agency


def test_the_same_rows_go_as_with_the_collector_and_another_agency_is_untouched(two_demos):
    kept = list(Agency.objects.filter(code__in=KEPT.values()).values_list("pk", flat=True))
    paths = agency_paths()

    def kept_rows() -> dict[str, int]:
        counts = {}
        for model, lookups in paths.items():
            query = models.Q()
            for lookup in lookups:
                query |= models.Q(**{f"{lookup}__in": kept})
            counts[model._meta.label] = model._base_manager.filter(query).distinct().count()
        return counts

    before = snapshot()
    kept_before = kept_rows()
    try:
        with transaction.atomic():
            for code in (demo.PARTNER_CODE, demo.DEMO_CODE):
                old_delete(Agency.objects.get(code=code))
            connection.check_constraints()
            expected = snapshot()
            raise Rollback
    except Rollback:
        pass
    assert snapshot() == before
    assert expected != before

    # Other tests on this worker may have committed events of their own (live-server tests):
    # only the events this deletion writes are counted.
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    demo.delete_demo()
    connection.check_constraints()

    assert snapshot() == expected
    assert kept_rows() == kept_before
    # The demo seeds most tables: the kept pair proves those rows were not reached.
    filled = [label for label, n in kept_before.items() if n]
    assert len(filled) >= 35, sorted(set(kept_before) - set(filled))
    written = AuditEvent.objects.filter(pk__gt=last)
    deleted = written.filter(action="agency.deleted")
    assert Counter(deleted.values_list("detail__code", flat=True)) == Counter(
        [demo.DEMO_CODE, demo.PARTNER_CODE]
    )
    assert not written.filter(action="role.removed").exists()


def test_a_row_that_protects_what_would_go_stops_it_before_any_statement(two_demos):
    signature = AgreementSignature.objects.select_related("signed_by").first()
    assert signature is not None
    user = signature.signed_by
    before = snapshot()
    with pytest.raises(CascadeError, match="AgreementSignature.signed_by"):
        delete_cascade(
            {get_user_model(): ('"accounts_user"."id" = %s', [user.pk])}, quiet=[Membership]
        )
    assert snapshot() == before


def test_a_model_whose_deletion_is_heard_must_be_named(two_demos):
    agency = Agency.objects.get(code=demo.DEMO_CODE)
    with pytest.raises(CascadeError, match="Membership has delete receivers"):
        delete_cascade({Agency: ('"agencies_agency"."id" = %s', [agency.pk])}, keep=[Agency])


def test_a_reseed_reuses_the_unused_log_ins_and_deletes_those_left_unlinked(db, fast_hashing):
    users = get_user_model().objects
    first = demo.seed_demo(employees=60, seed=5, today=TODAY)
    roster_accounts = set(
        Employee.objects.filter(agency=first.agency, user__is_active=False).values_list(
            "user_id", flat=True
        )
    )
    assert len(roster_accounts) > 30
    again = demo.seed_demo(employees=60, seed=5, today=TODAY)
    linked = set(Employee.objects.filter(agency=again.agency).values_list("user_id", flat=True))
    assert roster_accounts <= linked  # the same roster: every unused log-in linked again
    smaller = demo.seed_demo(employees=50, seed=6, today=TODAY)
    # No account is left that nobody holds: each has a role or an employee record.
    orphans = users.filter(memberships__isnull=True, employee__isnull=True)
    assert not orphans.exists()
    assert Employee.objects.filter(agency=smaller.agency).count() == 50
