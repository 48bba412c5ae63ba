"""Model instances from a hand-written SELECT, for the few statements every API request runs
(issue 18): there, compiling the ORM's query costs more than the database takes to answer it.

The columns come from the model's own fields, so a new field is selected without an edit here,
and each value passes the same converters the ORM applies (SQLite's datetimes made aware).
"""

from typing import Any

from django.db import models
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
