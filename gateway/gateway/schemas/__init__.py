"""HTTP shapes of the gateway: what it accepts and answers. Rules beyond shape live in the services."""
from functools import cache

from marshmallow import Schema


@cache
def shared(schema_cls: type[Schema]) -> Schema:
    """One instance per schema class for the process: building one deep-copies every declared field,
    which cost a tenth of a read and nearly half a list page when done per response. Instances hold
    no per-call state (no `context`), so green threads share them safely."""
    return schema_cls()


_ABSENT = object()


@cache
def projection(schema_cls: type[Schema]):
    """A function that keeps, of an answer already shaped by a service, only the schema's fields.

    For large answers of plain JSON values (statistics: thousands of cells), a marshmallow dump costs
    more than everything else in the request; what it must guarantee here is that nothing the schema
    does not name goes out, and a projection built once from the declared fields does exactly that.
    """
    from marshmallow import fields

    def part(field):
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            nested = projection(type(inner.schema))
            if isinstance(field, fields.List) or inner.many:
                return lambda value: None if value is None else [nested(item) for item in value]
            return lambda value: None if value is None else nested(value)
        return None

    keys = [(field.data_key or name, name, part(field)) for name, field in shared(schema_cls).fields.items()
            if not field.load_only]

    def project(data: dict) -> dict:
        return {out: (value if convert is None else convert(value))
                for out, name, convert in keys if (value := data.get(name, _ABSENT)) is not _ABSENT}

    return project
