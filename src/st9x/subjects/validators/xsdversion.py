"""The XSD-version check shared by the XML adapters.

XSD 1.0 and 1.1 give different verdicts on some schemas and instances, and a test suite such as
the W3C's prescribes the verdict per version. A corpus says which version its schema is to be
judged under with ``SchemaSpec.dialect`` (``xsd-1.0`` or ``xsd-1.1``, the names adapters list in
``AdapterInfo.dialects``); an adapter of another version answers ``skipped`` rather than giving
a verdict under the wrong rules, as the JSON adapters do for a dialect they do not implement.
A schema without a dialect (every ordinary corpus) is judged by any XML adapter, as before.
"""

from __future__ import annotations

from st9x.corpus.model import SchemaSpec
from st9x.subjects.validators.base import Unsupported


def require_xsd_version(schema: SchemaSpec, adapter: str, dialect: str) -> None:
    """Raise Unsupported when the schema asks for an XSD version other than ``dialect``."""
    if schema.dialect and schema.dialect != dialect:
        raise Unsupported(
            f"{adapter} implements {dialect}; this schema is judged as {schema.dialect}"
        )
