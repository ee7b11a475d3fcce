"""The curated reference data (fixtures/*.json) into the database in bulk: `load_reference_data`'s fast path.

`loaddata` looks up every natural key with a query of its own and saves objects one by one: about a minute for
the 12,910 objects on SQLite. This reads the same files, resolves natural keys from one query per model and writes
with `bulk_create`/`bulk_update` in one transaction, leaving what `loaddata` leaves (tests/test_load_reference_data.py
compares the two):

- objects are created in the order the sorted files hold them, so an empty database gets the same primary keys;
- an object whose natural key is already in the database is overwritten with the fixture's row (fields the fixture
  leaves out take their defaults, as with loaddata); rows the fixtures do not hold are left alone;
- values are stored as written, as loaddata's raw saves store them: no `auto_now`, no custom `save()`;
- a many-to-many field the fixture names is set to exactly its list;
- `pre_save` is sent for each object with `raw=True`, as loaddata's raw save sends it (content renders its Markdown
  there); no history rows (django-simple-history records none for loaddata's raw saves either) and no `post_save`:
  `reference_data_loaded` is sent once instead, for the process caches that loaddata's raw `post_save`s cleared.

The models are found by their labels (`apps.get_model`), so `nutrition` imports no app above it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from pathlib import Path

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import signals
from django.dispatch import Signal

# Sent once after a bulk load, inside its transaction: receivers drop what they hold of the reference data.
reference_data_loaded = Signal()

_CHUNK = 500  # rows per IN (...) query and per bulk write: under SQLite's limit on query parameters


class ReferenceDataError(Exception):
    """A fixture names a model or a natural key that does not exist."""


@dataclass
class _Entry:
    obj: models.Model
    m2m: dict[str, list[models.Model]] = field(default_factory=dict)


def fixture_paths(directory: str | Path) -> list[Path]:
    """The fixture files of a directory in the order `load_reference_data` reads them (sorted by name)."""
    return sorted(Path(directory).glob("*.json"))


def load_fixtures(paths: list[Path]) -> dict[str, int]:
    """Load the fixture files in bulk, in one transaction; returns the number of objects read per model label."""
    raw = [item for path in paths for item in json.loads(Path(path).read_text(encoding="utf-8"))]
    labels = list(dict.fromkeys(item["model"] for item in raw))
    try:
        model_of = {label: apps.get_model(label) for label in labels}
    except LookupError as exc:
        raise ReferenceDataError(str(exc)) from exc
    by_model: dict[type[models.Model], list[dict]] = {model: [] for model in model_of.values()}
    for item in raw:
        by_model[model_of[item["model"]]].append(item)
    with transaction.atomic():
        loader = _Loader(by_model)
        for model in loader.order():
            loader.load(model)
        reference_data_loaded.send(sender=load_fixtures)
    return {label: sum(item["model"] == label for item in raw) for label in labels}


class _Loader:
    def __init__(self, by_model: dict[type[models.Model], list[dict]]):
        self.by_model = by_model
        self.by_pk: dict[type[models.Model], dict[object, models.Model]] = {}
        self.by_key: dict[type[models.Model], dict[tuple, models.Model]] = {}

    def order(self) -> list[type[models.Model]]:
        """The fixtures' models, each after the models its foreign keys and many-to-many fields point to."""
        graph = {model: set() for model in self.by_model}
        for model in self.by_model:
            for f in model._meta.get_fields():
                if (f.many_to_one or f.many_to_many) and f.concrete and f.related_model in graph:
                    if f.related_model is not model:
                        graph[model].add(f.related_model)
        return list(TopologicalSorter(graph).static_order())

    def known(self, model: type[models.Model]) -> tuple[dict, dict]:
        """Every row of `model` in the database by primary key and by natural key (one query)."""
        if model not in self.by_pk:
            rows = list(model._base_manager.all())
            for f in model._meta.concrete_fields:
                if f.many_to_one and f.related_model in self.by_pk:
                    related = self.by_pk[f.related_model]
                    for row in rows:  # natural_key() reads related objects: hand them over instead of a query each
                        value = getattr(row, f.attname)
                        if value is not None and value in related:
                            f.set_cached_value(row, related[value])
            self.by_pk[model] = {row.pk: row for row in rows}
            keyed = hasattr(model, "natural_key")
            self.by_key[model] = {row.natural_key(): row for row in rows} if keyed else {}
        return self.by_pk[model], self.by_key[model]

    def related(self, f, value) -> models.Model | object:
        """A fixture's foreign key or many-to-many value: a natural key (a list) or a primary key."""
        by_pk, by_key = self.known(f.related_model)
        if isinstance(value, list):
            try:
                return by_key[tuple(value)]
            except KeyError:
                raise ReferenceDataError(f"{f.related_model._meta.label} {value!r} does not exist") from None
        return value

    def build(self, model: type[models.Model], fields: dict) -> _Entry:
        values, m2m = {}, {}
        for name, value in fields.items():
            f = model._meta.get_field(name)
            if f.many_to_many:
                m2m[name] = [self.related(f, v) for v in value]
            elif f.many_to_one:
                target = None if value is None else self.related(f, value)
                if isinstance(target, models.Model):
                    values[f.name] = target
                else:
                    values[f.attname] = target
            else:
                values[f.attname] = f.to_python(value)
        return _Entry(model(**values), m2m)

    def load(self, model: type[models.Model]) -> None:
        by_pk, by_key = self.known(model)
        entries: dict[object, _Entry] = {}  # natural key (or position) -> entry; a later duplicate wins its place
        for position, item in enumerate(self.by_model[model]):
            entry = self.build(model, item["fields"])
            if "pk" in item:
                entry.obj.pk = model._meta.pk.to_python(item["pk"])
            key = entry.obj.natural_key() if "pk" not in item and hasattr(model, "natural_key") else position
            if key in entries:
                entry.m2m = {**entries[key].m2m, **entry.m2m}
            entries[key] = entry
        creating, updating = [], []
        for key, entry in entries.items():
            existing = by_key.get(key) if isinstance(key, tuple) else by_pk.get(entry.obj.pk)
            if existing is not None:
                entry.obj.pk = existing.pk
                entry.obj._state.adding = False
                updating.append(entry.obj)
            else:
                creating.append(entry.obj)
        for obj in (*creating, *updating):
            signals.pre_save.send(sender=model, instance=obj, raw=True, using=connection.alias, update_fields=None)
        _create_raw(model, creating)
        _update_raw(model, updating, [f for f in model._meta.concrete_fields if not f.primary_key])
        for entry in entries.values():
            by_pk[entry.obj.pk] = entry.obj
            if hasattr(model, "natural_key"):
                by_key[entry.obj.natural_key()] = entry.obj
        for name in {name for entry in entries.values() for name in entry.m2m}:
            _set_links(model, name, [e for e in entries.values() if name in e.m2m], updating)


def _create_raw(model: type[models.Model], objs: list[models.Model]) -> None:
    """bulk_create, keeping `auto_now`/`auto_now_add` values as the fixture has them (loaddata's raw save does)."""
    if not objs:
        return
    assert connection.features.can_return_rows_from_bulk_insert, "the bulk load needs INSERT ... RETURNING"
    fields = model._meta.concrete_fields
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    kept = [[getattr(obj, f.attname) for f in stamped] for obj in objs]
    model._base_manager.bulk_create(objs, batch_size=_CHUNK)
    if stamped:
        for obj, values in zip(objs, kept, strict=True):
            for f, value in zip(stamped, values, strict=True):
                setattr(obj, f.attname, value)
        _update_raw(model, objs, stamped)


def _update_raw(model: type[models.Model], objs: list[models.Model], fields: list) -> None:
    """Write `fields` of each object to its row as they are (no pre_save): one UPDATE statement, executed for every
    object. `bulk_update` builds a CASE per field and batch, which took minutes for the 9,127 nutrient amounts."""
    if not objs or not fields:
        return
    quote, pk = connection.ops.quote_name, model._meta.pk
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
        + [pk.get_db_prep_value(obj.pk, connection)]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _set_links(model: type[models.Model], name: str, entries: list[_Entry], updating: list[models.Model]) -> None:
    """`obj.<name>.set(list)` for every entry, in bulk: stale links removed, missing ones added."""
    f = model._meta.get_field(name)
    through = f.remote_field.through
    source = f.m2m_field_name() + "_id"
    target = f.m2m_reverse_field_name() + "_id"
    existing: dict[object, dict[object, object]] = {}
    updated = {obj.pk for obj in updating}
    ids = [e.obj.pk for e in entries if e.obj.pk in updated]
    for start in range(0, len(ids), _CHUNK):
        rows = through._base_manager.filter(**{f"{source}__in": ids[start : start + _CHUNK]})
        for link_pk, source_id, target_id in rows.values_list("pk", source, target):
            existing.setdefault(source_id, {})[target_id] = link_pk
    stale, missing = [], []
    for entry in entries:
        wanted = set()  # built and then differenced as RelatedManager.set()/add() do, so links come in their order
        for related in entry.m2m[name]:
            wanted.add(related.pk if isinstance(related, models.Model) else related)
        have = existing.get(entry.obj.pk, {})
        stale += [link_pk for target_id, link_pk in have.items() if target_id not in wanted]
        missing += [through(**{source: entry.obj.pk, target: t}) for t in wanted.difference(have)]
    for start in range(0, len(stale), _CHUNK):
        through._base_manager.filter(pk__in=stale[start : start + _CHUNK]).delete()
    through._base_manager.bulk_create(missing, batch_size=_CHUNK)
