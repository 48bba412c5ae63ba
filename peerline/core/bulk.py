"""Set-based writes for many rows: one column set in one executemany, and a cascade deleted
table by table.

Django's `bulk_update` writes a CASE with a branch per row, which each row of the batch then
walks: 25x slower than `set_column` at 50,000 rows on SQLite. Django's deletion collector reads
every row it deletes and deletes what hangs from them with IN lists of their keys; `delete_cascade`
sends one DELETE per table instead, whose WHERE says in SQL which rows go (issue 18).
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, pre_delete


def set_column(model: type[models.Model], column: str, pairs: Sequence[tuple[Any, Any]]) -> None:
    """Pairs are (value, primary key). Every name quoted, the key the model's own column."""
    if pairs:
        quote = connection.ops.quote_name
        table, name, pk = quote(model._meta.db_table), quote(column), quote(model._meta.pk.column)
        sql = f"UPDATE {table} SET {name} = %s WHERE {pk} = %s"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, pairs)


# -- the cascade ---------------------------------------------------------------------------------

Model = type[models.Model]
# A condition on a table's rows in SQL, with its parameters.
Where = tuple[str, list[Any]]


class CascadeError(Exception):
    """The cascade cannot be done table by table as the models declare it; the message says why."""


@dataclass
class Step:
    """One statement of a cascade: DELETE the rows of `model` that go, or set `column` to NULL
    where it names a row that goes (`on_delete=SET_NULL`)."""

    model: Model
    sql: str
    params: list[Any]
    column: str | None = None


@dataclass
class Plan:
    """What `delete_cascade` sends, in order: each table's rows before the rows they name."""

    steps: list[Step] = field(default_factory=list)
    # (model, field name) whose rows would block the deletion: checked before any statement.
    checks: list[tuple[Model, str, str, list[Any]]] = field(default_factory=list)

    @property
    def deleted(self) -> list[Model]:
        return [step.model for step in self.steps if step.column is None]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _concrete_models() -> list[Model]:
    # Proxies share their concrete model's table; auto-created many-to-many tables are included.
    return [m for m in apps.get_models(include_auto_created=True) if not m._meta.proxy]


def _foreign_keys(model: Model) -> list[models.ForeignKey]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey)  # OneToOneField is one
    ]


def plan_cascade(roots: Mapping[Model, Where], *, keep: Collection[Model] = ()) -> Plan:
    """The statements that delete the `roots` rows and every row that hangs from them.

    Every concrete model of the project is read from Django's `_meta`, so a new model is in the
    cascade without a change here. A row goes when a CASCADE foreign key names a row that goes
    (or it is a root); a SET_NULL key naming a row that goes is set to NULL; a surviving row whose
    PROTECT, RESTRICT or constrained DO_NOTHING key names a row that goes stops the deletion
    (`CascadeError`, before any statement runs). So does a relation the SQL here cannot follow:
    a key to a column other than the primary key (`to_field`), a generic relation of a model
    whose rows go, a key over several columns (`ForeignObject`), an unsupported `on_delete`.
    Unlike Django's collector, a PROTECT key does not stop the deletion when its own row goes
    too (an agency's signed agreements go with the accounts that signed them, 2011 §6.8). Models
    in `keep` are not deleted (their rows stay the condition of others): the caller deletes them
    afterwards, with their signals.
    """
    return _Planner(roots, keep).plan()


class _Planner:
    def __init__(self, roots: Mapping[Model, Where], keep: Collection[Model]) -> None:
        self.roots = roots
        self.keep = set(keep)
        self.models = _concrete_models()
        self.conditions: dict[Model, Where | None] = {}
        self.visiting: set[Model] = set()

    def condition(self, model: Model) -> Where | None:
        """The WHERE of `model`'s rows that go (None: none can), columns named with its table."""
        if model in self.conditions:
            return self.conditions[model]
        if model in self.visiting:
            raise CascadeError(f"{model._meta.label}: a cycle of CASCADE keys")
        self.visiting.add(model)
        parts: list[str] = []
        params: list[Any] = []
        if model in self.roots:
            parts.append(f"({self.roots[model][0]})")
            params += self.roots[model][1]
        for fk in _foreign_keys(model):
            if fk.remote_field.on_delete is not models.CASCADE:
                continue
            target = _target(fk)
            if target is model:
                raise CascadeError(f"{model._meta.label}.{fk.name}: a CASCADE key to its table")
            sub = self.select(target)
            if sub is not None:
                _names_the_key(model, fk)
                parts.append(f"{_column(model, fk.column)} IN ({sub[0]})")
                params += sub[1]
        self.visiting.discard(model)
        if parts and model._meta.parents:
            raise CascadeError(f"{model._meta.label}: multi-table inheritance is not supported")
        self.conditions[model] = (" OR ".join(parts), params) if parts else None
        return self.conditions[model]

    def select(self, model: Model) -> Where | None:
        """`SELECT pk FROM model WHERE <its rows that go>`, or None when none can go."""
        where = self.condition(model)
        if where is None:
            return None
        pk = _column(model, model._meta.pk.column)
        table = _q(model._meta.db_table)
        return f"SELECT {pk} FROM {table} WHERE {where[0]}", where[1]  # noqa: S608 (names)

    def referring(self, model: Model, fk: models.ForeignKey, *, survivors: bool) -> Where:
        """`model`'s rows whose `fk` names a row that goes (of those that stay, if asked)."""
        _names_the_key(model, fk)
        sub = self.select(_target(fk))
        assert sub is not None
        sql, params = f"{_column(model, fk.column)} IN ({sub[0]})", list(sub[1])
        own = self.select(model) if survivors else None
        if own is not None:
            sql += f" AND {_column(model, model._meta.pk.column)} NOT IN ({own[0]})"
            params += own[1]
        return sql, params

    def plan(self) -> Plan:
        for model in self.models:
            self.condition(model)
        going = {m for m, where in self.conditions.items() if where is not None}
        for model in self.models:
            _no_other_relation(model, going)
        plan = Plan()
        nulls: dict[Model, list[models.ForeignKey]] = {}
        for model in self.models:
            for fk in _foreign_keys(model):
                on_delete = fk.remote_field.on_delete
                if _target(fk) not in going or on_delete is models.CASCADE:
                    continue
                if on_delete is models.SET_NULL:
                    nulls.setdefault(model, []).append(fk)
                elif on_delete in (models.PROTECT, models.RESTRICT) or (
                    on_delete is models.DO_NOTHING and getattr(fk, "db_constraint", True)
                ):
                    sql, params = self.referring(model, fk, survivors=True)
                    plan.checks.append((model, fk.name, sql, params))
                elif on_delete is not models.DO_NOTHING:
                    raise CascadeError(f"{model._meta.label}.{fk.name}: on_delete not supported")
        for model in self._children_first(going | set(nulls)):
            table = _q(model._meta.db_table)
            deleted = model in going and model not in self.keep
            # A key to its own table is cleared before the rows it names go; any other after
            # the table's own rows went, so that only the rows that stay are written.
            for fk in nulls.get(model, []):
                if _target(fk) is model:
                    plan.steps.append(self._set_null(model, fk, survivors=True))
            if deleted:
                where = self.conditions[model]
                assert where is not None
                sql = f"DELETE FROM {table} WHERE {where[0]}"  # noqa: S608 (names, %s values)
                plan.steps.append(Step(model, sql, where[1]))
            for fk in nulls.get(model, []):
                if _target(fk) is not model:
                    plan.steps.append(self._set_null(model, fk, survivors=not deleted))
        return plan

    def _set_null(self, model: Model, fk: models.ForeignKey, *, survivors: bool) -> Step:
        sql, params = self.referring(model, fk, survivors=survivors)
        table, column = _q(model._meta.db_table), _q(fk.column)
        sql = f"UPDATE {table} SET {column} = NULL WHERE {sql}"  # noqa: S608 (names, %s values)
        return Step(model, sql, params, column=fk.column)

    def _children_first(self, involved: set[Model]) -> list[Model]:
        """A table before every table its keys name, so a WHERE never reads rows gone."""
        ordered = sorted(involved, key=lambda m: m._meta.label)
        order: list[Model] = []
        placed: set[Model] = set()
        on_path: set[Model] = set()

        def place(model: Model) -> None:
            if model in placed:
                return
            if model in on_path:
                raise CascadeError(f"{model._meta.label}: a cycle of keys between tables")
            on_path.add(model)
            for child in ordered:
                if child is not model and any(_target(fk) is model for fk in _foreign_keys(child)):
                    place(child)
            on_path.discard(model)
            placed.add(model)
            order.append(model)

        for model in ordered:
            place(model)
        return order


def _target(fk: models.ForeignKey) -> Model:
    return cast(Model, fk.related_model)  # resolved: the app registry is ready


def _names_the_key(model: Model, fk: models.ForeignKey) -> None:
    """Refuse a key to a column other than its table's primary key (`to_field`): every WHERE
    here compares a key with `SELECT pk`, which would match none of its rows."""
    if fk.target_field.column != _target(fk)._meta.pk.column:
        raise CascadeError(f"{model._meta.label}.{fk.name}: a key to a non-key column")


def _no_other_relation(model: Model, going: set[Model]) -> None:
    """Refuse the relations that are no foreign key column, which the cascade cannot follow in
    SQL: a generic relation (contenttypes) of a model whose rows go, whose objects Django's
    collector would delete, and a key over several columns (`ForeignObject`) to such a model.
    Left out, their rows would stay behind, naming rows gone."""
    for f in [*model._meta.local_fields, *model._meta.private_fields]:
        if not isinstance(f, models.ForeignObject) or isinstance(f, models.ForeignKey):
            continue
        if f.one_to_many and model in going:  # GenericRelation: the objects name this model
            raise CascadeError(f"{model._meta.label}.{f.name}: a generic relation")
        if not f.one_to_many and f.related_model in going:
            raise CascadeError(f"{model._meta.label}.{f.name}: a key over several columns")


def _column(model: Model, column: str) -> str:
    return f"{_q(model._meta.db_table)}.{_q(column)}"


def delete_cascade(
    roots: Mapping[Model, Where],
    *,
    keep: Collection[Model] = (),
    quiet: Collection[Model] = (),
) -> dict[str, int]:
    """Delete the `roots` rows and what hangs from them (`plan_cascade`), in one transaction;
    the number of rows deleted or cleared per table.

    No model instance is read, so no delete signal is sent: a model with `pre_delete` or
    `post_delete` receivers stops the deletion unless the caller names it in `quiet` (saying the
    receivers have nothing to do here) or in `keep` (deleting it itself afterwards).
    """
    plan = plan_cascade(roots, keep=keep)
    for model in plan.deleted:
        heard = pre_delete.has_listeners(model) or post_delete.has_listeners(model)
        if heard and model not in quiet:
            raise CascadeError(f"{model._meta.label} has delete receivers: name it in quiet")
    counts: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for model, name, sql, params in plan.checks:
            table = _q(model._meta.db_table)
            cursor.execute(f"SELECT 1 FROM {table} WHERE {sql}", params)  # noqa: S608
            if cursor.fetchone() is not None:
                raise CascadeError(f"{model._meta.label}.{name} names rows that would go")
        for step in plan.steps:
            cursor.execute(step.sql, step.params)
            key = step.model._meta.label + (f".{step.column}" if step.column else "")
            counts[key] = counts.get(key, 0) + max(cursor.rowcount, 0)
    return counts
