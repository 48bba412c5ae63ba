"""The table-by-table cascade refuses the relations it cannot write in SQL, before any statement,
rather than leave their rows behind; `set_column` names its table and columns quoted.

The models here live in a registry of their own (`isolate_apps`), so the project's registry,
its migrations and the other tests never see them; the planner is shown only them."""

# ruff: noqa: DJ008 - the test's models are never shown, so they need no __str__

from datetime import timedelta

import pytest
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test.utils import isolate_apps
from django.utils import timezone

from peerline.core import bulk
from peerline.core.bulk import CascadeError, plan_cascade, set_column

ROOTS = '"t_holder"."id" = %s'


@pytest.fixture
def shown(monkeypatch):
    """Declare the test's models in a registry of their own; `shown(*models)`: the planner sees
    those models only."""
    with isolate_apps():

        def show(*tables: type[models.Model]) -> None:
            monkeypatch.setattr(bulk, "_concrete_models", lambda: list(tables))

        yield show


def holder() -> type[models.Model]:
    class Holder(models.Model):
        code = models.CharField(max_length=10, unique=True)

        class Meta:
            app_label = "bulk_plan"
            db_table = "t_holder"

    return Holder


@pytest.mark.parametrize(
    "on_delete", [models.SET_NULL, models.PROTECT, models.RESTRICT, models.DO_NOTHING]
)
def test_a_key_to_a_column_other_than_the_primary_key_is_refused(shown, on_delete):
    """`to_field="code"`: the planner's `IN (SELECT id ...)` would compare codes with ids and
    match nothing, so the SET NULL or the check would quietly do nothing."""
    Holder = holder()

    class ByCode(models.Model):
        holder = models.ForeignKey(Holder, to_field="code", null=True, on_delete=on_delete)

        class Meta:
            app_label = "bulk_plan"

    shown(Holder, ByCode)
    with pytest.raises(CascadeError, match=r"ByCode\.holder: a key to a non-key column"):
        plan_cascade({Holder: (ROOTS, [1])})


@pytest.mark.parametrize(
    "on_delete", [models.SET_NULL, models.PROTECT, models.RESTRICT, models.DO_NOTHING]
)
def test_the_same_keys_to_the_primary_key_are_planned(shown, on_delete):
    """The refusal above is about the column, not the kind of key (the control)."""
    Holder = holder()

    class ById(models.Model):
        holder = models.ForeignKey(Holder, null=True, on_delete=on_delete)

        class Meta:
            app_label = "bulk_plan"

    shown(Holder, ById)
    plan = plan_cascade({Holder: (ROOTS, [1])})
    assert plan.deleted == [Holder]
    uses = [s.sql for s in plan.steps if s.model is ById] + [c[2] for c in plan.checks]
    assert len(uses) == 1 and '"holder_id" IN (SELECT "t_holder"."id"' in uses[0]


def test_a_generic_relation_of_a_row_that_goes_is_refused(shown):
    """Django's collector deletes the objects a `GenericRelation` names; the planner has no key
    to follow to them, so it refuses instead of leaving them behind."""

    class Tag(models.Model):
        content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
        object_id = models.PositiveIntegerField()
        target = GenericForeignKey("content_type", "object_id")

        class Meta:
            app_label = "bulk_plan"

    class Holder(models.Model):
        tags = GenericRelation(Tag)

        class Meta:
            app_label = "bulk_plan"
            db_table = "t_holder"

    shown(Holder, Tag)
    with pytest.raises(CascadeError, match=r"Holder\.tags: a generic relation"):
        plan_cascade({Holder: (ROOTS, [1])})


def test_a_generic_relation_of_a_table_that_stays_is_no_obstacle(shown):
    class Tag(models.Model):
        content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
        object_id = models.PositiveIntegerField()
        target = GenericForeignKey("content_type", "object_id")

        class Meta:
            app_label = "bulk_plan"

    class Tagged(models.Model):
        tags = GenericRelation(Tag)

        class Meta:
            app_label = "bulk_plan"

    Holder = holder()
    shown(Holder, Tagged, Tag)
    assert plan_cascade({Holder: (ROOTS, [1])}).deleted == [Holder]


def test_a_key_over_several_columns_to_a_row_that_goes_is_refused(shown):
    Holder = holder()

    class ByTwo(models.Model):
        holder_code = models.CharField(max_length=10)
        holder = models.ForeignObject(
            Holder, on_delete=models.CASCADE, from_fields=["holder_code"], to_fields=["code"]
        )

        class Meta:
            app_label = "bulk_plan"

    shown(Holder, ByTwo)
    with pytest.raises(CascadeError, match=r"ByTwo\.holder: a key over several columns"):
        plan_cascade({Holder: (ROOTS, [1])})


@pytest.mark.django_db
def test_set_column_finds_the_row_by_its_own_primary_key_column():
    """A session's key is `session_key`, not `id`."""
    later = timezone.now() + timedelta(days=3)
    for key in ("a" * 32, "b" * 32):
        Session.objects.create(session_key=key, session_data="", expire_date=timezone.now())
    set_column(Session, "expire_date", [(later, "a" * 32)])
    assert Session.objects.get(session_key="a" * 32).expire_date == later
    assert Session.objects.get(session_key="b" * 32).expire_date < later


@pytest.mark.django_db
def test_set_column_quotes_names_sql_would_read_as_keywords_or_fold(shown):
    """A column named `order` (a keyword) and a primary key `Code` (PostgreSQL folds an
    unquoted name to lower case)."""

    class Odd(models.Model):
        code = models.CharField(max_length=4, primary_key=True, db_column="Code")
        order = models.IntegerField(db_column="order")

        class Meta:
            app_label = "bulk_plan"
            db_table = "t_odd"

    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE "t_odd" ("Code" varchar(4) PRIMARY KEY, "order" integer)')
        cursor.execute("""INSERT INTO "t_odd" VALUES ('x', 1), ('y', 2)""")
        set_column(Odd, "order", [(7, "x")])
        cursor.execute('SELECT "Code", "order" FROM "t_odd" ORDER BY "Code"')
        assert cursor.fetchall() == [("x", 7), ("y", 2)]
