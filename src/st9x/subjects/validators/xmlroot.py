"""The document-root check shared by the XML adapters.

An XSD validator accepts any global element as a document root, but a manifest says which one a
document must start with (``tmk:TrademarkApplication``, not a stray ``com:Applicant``). Both XML
adapters apply that one rule the same way, so it lives here once.
"""

from __future__ import annotations

from st9x.corpus.model import SchemaSpec
from st9x.subjects.validators.base import Problem


def root_problem(tag: str, schema: SchemaSpec) -> Problem | None:
    """A problem if the document's root element is not the one the manifest names."""
    expected = schema.root
    if not expected:
        return None
    matches = tag == expected if expected.startswith("{") else tag.rsplit("}", 1)[-1] == expected
    if matches:
        return None
    return Problem(f"root element is {tag}, the schema's document root is {expected}", "/")
