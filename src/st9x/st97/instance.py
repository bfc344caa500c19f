"""The ``xsi`` vocabulary of XML instances, shared by both conversion directions.

``xsi`` attributes are instance markup rather than data, so both walks recognise them by name:
``xsi:nil`` is ``null`` and ``xsi:type`` is ``$type`` both ways, the location hints are dropped
(also from the generic element form), any other ``xsi:*`` attribute is ignored.
"""

from __future__ import annotations

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSI_NIL = f"{{{XSI_NS}}}nil"
XSI_TYPE = f"{{{XSI_NS}}}type"
XSI_PREFIX = f"{{{XSI_NS}}}"
#: xsi attributes that are processing hints, not data: dropped in the generic form too
XSI_HINTS = frozenset({f"{XSI_PREFIX}schemaLocation", f"{XSI_PREFIX}noNamespaceSchemaLocation"})


def namespace_of(tag: str) -> str:
    """The namespace of a Clark name (``""`` for none), as wildcard constraints are tested."""
    return tag[1:].partition("}")[0] if tag[:1] == "{" else ""
