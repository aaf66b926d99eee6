"""Validate a JSON document against symgrad's published schema (``symgrad/schemas/``).

The validator is the ``jsonschema`` package (Draft 2020-12), not symgrad: a document
passes when its ``schema`` id names a published file and the document satisfies it.
"""

from __future__ import annotations

import json

import jsonschema
import referencing

from symgrad.base.schemas import list_schemas, load_schema

__all__ = ["assert_valid"]


def _registry() -> referencing.Registry:
    resources = []
    for sid in list_schemas():
        doc = load_schema(sid)
        resources.append((doc["$id"], referencing.Resource.from_contents(doc)))
    return referencing.Registry().with_resources(resources)


def assert_valid(doc: dict | str) -> dict:
    """Fail unless ``doc`` (a dict or JSON text) carries ``schema`` and validates against it."""
    if isinstance(doc, str):
        doc = json.loads(doc)
    assert isinstance(doc, dict), f"a JSON output must be an object, got {type(doc).__name__}"
    assert "schema" in doc, f"no 'schema' key in {sorted(doc)[:8]}"
    schema = load_schema(doc["schema"])
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, registry=_registry()).validate(doc)
    return doc
