"""Model instances from a hand-written SELECT, for the few statements every request runs (the
session's row, the user with their roles, the verified device, an API token; issue 18): there,
compiling the ORM's query costs more than the database takes to answer it.

The columns come from the model's own fields, so a new field is selected without an edit here,
and each value passes the same converters the ORM applies (SQLite's datetimes made aware).
"""

from typing import Any

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper


class Columns:
    """Every concrete column of `model` under the table alias `alias`: the SELECT list, and the
    instance read back from a row's slice."""

    def __init__(self, model: type[models.Model], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.names = [field.attname for field in self.fields]
        self._converters: dict[str, list[tuple[int, list[Any], Any]]] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def select(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{quote(self.alias)}.{quote(field.column)}" for field in self.fields)

    def _converters_for(self, connection: BaseDatabaseWrapper) -> list[tuple[int, list[Any], Any]]:
        found = self._converters.get(connection.vendor)
        if found is None:
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                converters = [
                    *connection.ops.get_db_converters(column),
                    *field.get_db_converters(connection),  # type: ignore[attr-defined]
                ]
                if converters:
                    found.append((index, converters, column))
            self._converters[connection.vendor] = found
        return found

    def build(self, row: tuple[Any, ...], start: int, connection: BaseDatabaseWrapper) -> Any:
        values = list(row[start : start + len(self.fields)])
        for index, converters, column in self._converters_for(connection):
            for convert in converters:
                values[index] = convert(values[index], column, connection)
        return self.model.from_db(connection.alias, self.names, values)


class Rows:
    """`model`'s rows that meet `where`, a condition naming fields in braces and taking values
    as `%s` ("{session_key} = %s AND {expire_date} > %s"): the statement is written once per
    database and each value prepared as the field's own (`get_db_prep_value`), so a request
    that runs it pays no query compilation (the session's row, the verified device)."""

    def __init__(self, model: type[models.Model], where: str, fields: list[str]) -> None:
        self.columns = Columns(model, "t")
        self.where = where
        self.fields = [model._meta.get_field(name) for name in fields]
        self._sql: dict[str, str] = {}

    def _statement(self, connection: BaseDatabaseWrapper) -> str:
        sql = self._sql.get(connection.vendor)
        if sql is None:
            quote = connection.ops.quote_name
            names = {
                field.name: f"t.{quote(field.column)}"  # type: ignore[attr-defined]
                for field in self.columns.model._meta.concrete_fields
            }
            table = quote(self.columns.model._meta.db_table)
            # Names from the model, values as parameters.
            sql = (
                f"SELECT {self.columns.select(connection)} FROM {table} t "  # noqa: S608
                f"WHERE {self.where.format(**names)}"
            )
            self._sql[connection.vendor] = sql
        return sql

    def first(self, *values: Any, using: str) -> Any:
        """The first row (by no order: meant for a unique key) or None."""
        connection = connections[using]
        params = [
            field.get_db_prep_value(value, connection)  # type: ignore[union-attr]
            for field, value in zip(self.fields, values, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(self._statement(connection), params)
            row = cursor.fetchone()
        return None if row is None else self.columns.build(row, 0, connection)
