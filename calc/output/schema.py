"""A JSON Schema for scenario files, generated from the declaration the reader uses
(calc.scenario_keys).

``calc schema`` prints it. An editor that knows JSON Schema (the YAML language server behind VS
Code's YAML extension, JetBrains IDEs) then completes keys, shows each key's doc and flags unknown
keys. The schema checks the shape; the reader checks the rest (units, sources, names, expressions).
Figure, accelerator and model ids are enumerated from the registry, so an editor can complete them.
"""

from __future__ import annotations

import json

from calc.models import FORMULAS
from calc.registry import registry
from calc.scenario_keys import declaration

# Where a mapping's value or a list's item is a block, a file may also give the short form.
SHORT_FORMS = {
    "sweep_axis": {"type": "array", "minItems": 1, "items": {"type": ["string", "number"]},
                   "description": "the values, each a quantity as `value` takes it"},
    "derive_entry": {"type": "string",
                     "description": "an expression, e.g. 'chips / facility_power'"},
}
# An input gives exactly one of these.
ONE_OF = {"input": ("figure", "value", "range", "dist", "over_time", "expr")}


def _enums() -> dict[str, list[str]]:
    reg = registry()
    return {"figure": sorted(reg.figures), "accelerator": sorted(reg.accelerators),
            "model": sorted(FORMULAS)}


def _type_schema(kind: str, spec: dict, decl: dict, enums: dict) -> dict:
    patterns = decl["patterns"]
    quantity = {"type": ["string", "number"]}
    out: dict
    if kind in ("slug", "name"):
        out = {"type": "string", "pattern": patterns[kind]}
    elif kind in ("text", "expression", "unit", "source"):
        out = {"type": "string"}
    elif kind in ("quantity", "fraction_or_quantity"):
        out = dict(quantity)
    elif kind == "range":
        out = {"type": "array", "items": quantity, "minItems": 2, "maxItems": 2}
    elif kind == "quantity_or_range":       # a series point: a quantity or [low, high]
        out = {"anyOf": [dict(quantity), {"type": "array", "items": quantity, "minItems": 2,
                                          "maxItems": 2}]}
    elif kind == "integer":
        out = {"type": "integer"}
        for key in ("minimum", "maximum"):
            if key in spec:
                out[key] = spec[key]
    elif kind in enums:
        out = {"type": "string", "enum": enums[kind]}
    elif kind == "date":
        out = {"type": ["string", "integer"]}
    elif kind == "quantity_or_figure":
        out = {"anyOf": [dict(quantity), {"type": "object", "additionalProperties": False,
                                          "required": ["figure"],
                                          "properties": {"figure": {"type": "string",
                                                                    "enum": enums["figure"]}}}]}
    elif kind == "enum":
        out = {"enum": list(spec["enum"])}
    elif kind == "correlation":
        out = {"type": "array", "minItems": 3, "maxItems": 3,
               "prefixItems": [{"type": "string", "pattern": patterns["name"]},
                               {"type": "string", "pattern": patterns["name"]},
                               {"type": "number", "exclusiveMinimum": -1, "exclusiveMaximum": 1}]}
    elif kind in ("mapping", "list"):
        out = {"type": "object" if kind == "mapping" else "array"}
    else:                                   # a type declared later: accept it, document it
        out = {}
    if kind in decl["types"] and kind not in ("mapping", "list"):
        out["description"] = decl["types"][kind]
    return out


def _ref(name: str, decl: dict, enums: dict) -> dict:
    """A block by reference (with its short form, where it has one), or a type's schema."""
    if name in decl["blocks"]:
        ref = {"$ref": f"#/$defs/{name}"}
        return {"anyOf": [SHORT_FORMS[name], ref]} if name in SHORT_FORMS else ref
    return _type_schema(name, {}, decl, enums)


def _key_schema(spec: dict, decl: dict, enums: dict) -> dict:
    kind = spec.get("type", "text")
    out = _type_schema(kind, spec, decl, enums)
    if kind == "mapping" and "keys" not in spec and spec.get("values") in decl["blocks"]:
        out = {"$ref": f"#/$defs/{spec['values']}"}          # the mapping is one such block
    elif kind == "mapping":
        # YAML may read other keys (dates) as numbers
        if spec.get("keys") in ("slug", "name"):
            keys = _type_schema(spec["keys"], {}, decl, enums)
            out["propertyNames"] = {k: v for k, v in keys.items() if k != "description"}
        if "values" in spec:
            out["additionalProperties"] = _ref(spec["values"], decl, enums)
    elif kind == "list" and "items" in spec:
        out["items"] = _ref(spec["items"], decl, enums)
    if kind == "source" and "block" in spec:        # a source id, 'assumption', or an inline source
        out = {"anyOf": [{"type": "string"}, {"$ref": f"#/$defs/{spec['block']}"}]}
    out["description"] = spec.get("doc", out.get("description", ""))
    for key in ("default", "example"):
        if key in spec:
            out["default" if key == "default" else "examples"] = (
                spec[key] if key == "default" else [spec[key]])
    return out


def _block_schema(name: str, decl: dict, enums: dict) -> dict:
    keys = decl["blocks"][name]
    out = {"type": "object", "additionalProperties": False,
           "properties": {k: _key_schema(spec, decl, enums) for k, spec in keys.items()}}
    required = [k for k, spec in keys.items() if spec.get("required")]
    if required:
        out["required"] = required
    if name in ONE_OF and all(k in keys for k in ONE_OF[name]):
        out["oneOf"] = [{"required": [k]} for k in ONE_OF[name]]
    return out


def json_schema(decl: dict | None = None) -> dict:
    """The JSON Schema (draft 2020-12) of a scenario file, from ``decl`` (default: the reader's)."""
    if decl is None:
        decl = declaration()
    enums = _enums()
    top = _block_schema("scenario", decl, enums)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "calc scenario file",
            "description": "A calc scenario (calc run FILE). Generated by `calc schema` from the "
                           "keys the reader accepts; docs/scenario-files.md describes each key.",
            **top,
            "$defs": {name: _block_schema(name, decl, enums) for name in decl["blocks"]
                      if name != "scenario"}}


def schema_json(decl: dict | None = None) -> str:
    """The schema as indented JSON text (what ``calc schema`` prints)."""
    return json.dumps(json_schema(decl), indent=2, ensure_ascii=False) + "\n"
