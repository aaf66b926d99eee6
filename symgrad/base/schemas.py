"""The JSON contract: one registry of schema ids and their published JSON Schema files.

Every ``--format json`` output and every result's ``to_json()`` carries a ``schema``
key such as ``"symgrad.reference/2"``.  The schema id ``symgrad.NAME/N`` is published as
the JSON Schema file ``symgrad/schemas/NAME-N.schema.json`` (in the repository and in
the installed package).  Conventions every schema follows:

* booleans and integers are JSON booleans and integers;
* every other number is a **decimal string** (exact, or correctly rounded where the
  output says so), never a JSON float;
* a certified ball is ``{"mid": "<decimal>", "rad": "<decimal>"}`` with the radius
  rounded outward (``mid`` ± ``rad`` contains the true value).

>>> schema_file("symgrad.derive/1").name
'derive-1.schema.json'
>>> load_schema("symgrad.derive/1")["$id"]
'https://symgrad.invalid/schemas/derive-1.schema.json'
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from symgrad.base.errors import InputError

__all__ = ["SCHEMA_DIR", "list_schemas", "load_schema", "schema_file"]

#: the folder of the published schema files (package data)
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
_ID = re.compile(r"symgrad\.([a-z][a-z0-9_-]*)/([0-9]+)")


def schema_file(schema_id: str) -> Path:
    """The file that publishes ``schema_id`` (``symgrad.NAME/N``)."""
    m = _ID.fullmatch(schema_id)
    if not m:
        raise InputError(f"'{schema_id}' is not a symgrad schema id",
                         hint="ids look like symgrad.reference/2")
    return SCHEMA_DIR / f"{m.group(1)}-{m.group(2)}.schema.json"


def load_schema(schema_id: str) -> dict:
    """The JSON Schema (a dict) of ``schema_id``."""
    path = schema_file(schema_id)
    if not path.is_file():
        raise InputError(f"no published schema for '{schema_id}'",
                         hint=f"see {SCHEMA_DIR} for the published ones")
    return json.loads(path.read_text(encoding="utf-8"))


def list_schemas() -> list[str]:
    """Every published schema id, sorted.

    >>> "symgrad.derive/1" in list_schemas()
    True
    """
    out = []
    for p in sorted(SCHEMA_DIR.glob("*.schema.json")):
        name, _, version = p.name.removesuffix(".schema.json").rpartition("-")
        out.append(f"symgrad.{name}/{version}")
    return out
