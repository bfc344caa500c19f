"""ST.97: XSD → JSON Schema compilation and schema-driven XML ↔ JSON instance mapping.

See ``README.md`` beside this file for the profiles, options and naming scheme.
"""

from st9x.st97.compiler import Compilation, compile_schema, document_roots, load_xsd
from st9x.st97.errors import ConversionError
from st9x.st97.jsonio import dumps, loads
from st9x.st97.losses import Loss
from st9x.st97.mapper import Mapper, iter_records, json_to_xml, xml_to_json
from st9x.st97.profiles import OPTIONS, PROFILES
from st9x.st97.regex import Translation, xsd_to_ecma
from st9x.st97.roundtrip import XmlComparison, compare_xml

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
