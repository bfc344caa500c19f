"""ST.97: XSD → JSON Schema compilation and schema-driven XML ↔ JSON instance mapping.

See ``README.md`` beside this file for the profiles, options and naming scheme.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Each public name and the module that defines it. They are imported on first use (PEP 562): the
# compiler and mapper pull in xmlschema's whole component model, which a command that only
# lists profiles or options (``st9x convert --help``) should not pay for.
_EXPORTS = {
    "Compilation": "compilation", "compile_schema": "compiler", "document_roots": "compilation",
    "load_xsd": "compilation", "ConversionError": "errors", "dumps": "jsonio", "loads": "jsonio",
    "Loss": "losses", "Mapper": "mapper", "iter_records": "mapper", "json_to_xml": "mapper",
    "xml_to_json": "mapper", "OPTIONS": "profiles", "PROFILES": "profiles",
    "Translation": "regex", "xsd_to_ecma": "regex", "XmlComparison": "roundtrip",
    "compare_xml": "roundtrip",
}

if TYPE_CHECKING:
    from st9x.st97.compilation import Compilation, document_roots, load_xsd
    from st9x.st97.compiler import compile_schema
    from st9x.st97.errors import ConversionError
    from st9x.st97.jsonio import dumps, loads
    from st9x.st97.losses import Loss
    from st9x.st97.mapper import Mapper, iter_records, json_to_xml, xml_to_json
    from st9x.st97.profiles import OPTIONS, PROFILES
    from st9x.st97.regex import Translation, xsd_to_ecma
    from st9x.st97.roundtrip import XmlComparison, compare_xml


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "OPTIONS",
    "PROFILES",
    "Compilation",
    "ConversionError",
    "Loss",
    "Mapper",
    "Translation",
    "XmlComparison",
    "compare_xml",
    "compile_schema",
    "document_roots",
    "dumps",
    "iter_records",
    "json_to_xml",
    "load_xsd",
    "loads",
    "xml_to_json",
    "xsd_to_ecma",
]
