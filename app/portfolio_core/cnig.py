"""The CNIG « Friches » Table Schema shipped in ``data/cnig``: field names, titles, enums and
required fields, read once. No Flask import."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "data" / "cnig" / "schema-friches-v1.0.6.json"
MULTI = "|"


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    type: str
    format: str | None
    required: bool
    enum: tuple[str, ...] | None
    pattern: str | None
    example: str | None


@dataclass(frozen=True)
class CnigSchema:
    descriptor: dict
    fields: tuple[Field, ...]

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]

    @property
    def missing_values(self) -> tuple[str, ...]:
        return tuple(self.descriptor.get("missingValues", [""]))

    def field(self, name: str) -> Field | None:
        return self.by_name.get(name)

    @property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}


@lru_cache(maxsize=2)
def load_schema(path: Path = SCHEMA_PATH) -> CnigSchema:
    descriptor = json.loads(Path(path).read_text(encoding="utf-8"))
    fields = []
    for f in descriptor["fields"]:
        c = f.get("constraints") or {}
        fields.append(
            Field(
                name=f["name"],
                title=f.get("title") or f["name"],
                type=f.get("type", "string"),
                format=f.get("format"),
                required=bool(c.get("required")),
                enum=tuple(c["enum"]) if c.get("enum") else None,
                pattern=c.get("pattern"),
                example=f.get("example"),
            )
        )
    return CnigSchema(descriptor, tuple(fields))


def is_missing(value) -> bool:
    return value is None or str(value).strip() in load_schema().missing_values
