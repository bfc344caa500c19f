"""JSON names for XSD components: property names and ``$defs`` keys.

Property names follow ST.97: the lowerCamelCase form of the XML local name (``ApplicantBag`` →
``applicantBag``); ST.96 attribute names are already lowerCamelCase and stay as they are.

``$defs`` keys are always ``<prefix>_<LocalName>`` (``com_ApplicantBagType``,
``tmk_ApplicantBagType``). We prefix *always*, not only on collision, so that the key of a
component depends on its own qualified name alone: adding a schema to a set, or compiling a
different document schema, never renames an existing definition, and generated schemas from
different V6_0 document schemas can be diffed key by key. The prefix is the conventional ST.96
prefix for the namespace (``com``, ``tmk``, ``pat``, ``dgn``, ``gi``, ``cpy``) or else the prefix
the schema itself binds to that namespace, or else ``ns<N>`` numbered in sorted namespace order;
two namespaces that would get the same prefix are told apart by a numeric suffix, again in sorted
namespace order, so that the result is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

ST96 = "http://www.wipo.int/standards/XMLSchema/ST96/"

#: Conventional prefixes, used whatever prefix an individual schema file happens to bind.
WELL_KNOWN_PREFIXES: dict[str, str] = {
    ST96 + "Common": "com",
    ST96 + "Trademark": "tmk",
    ST96 + "Patent": "pat",
    ST96 + "Design": "dgn",
    ST96 + "GeographicalIndication": "gi",
    ST96 + "Copyright": "cpy",
    "http://www.w3.org/1998/Math/MathML3": "m",
    "http://www.w3.org/1998/Math/MathML": "m",
    "http://www.oasis-open.org/tables/exchange/1.0": "tbl",
    "http://www.w3.org/XML/1998/namespace": "xml",
    "http://www.w3.org/1999/xlink": "xlink",
    "http://www.w3.org/2001/XMLSchema": "xs",
    "": "no",
}

_SAFE = re.compile(r"[^A-Za-z0-9_.\-]")


def split_qname(qname: str) -> tuple[str, str]:
    """``{ns}local`` → ``(ns, local)``; a name without namespace has namespace ``""``."""
    if qname.startswith("{"):
        ns, _, local = qname[1:].partition("}")
        return ns, local
    return "", qname


def lower_camel(local_name: str) -> str:
    """ST.97 property name of an XML local name: lowerCamelCase as ST.96 itself spells it.

    A leading run of capitals (an acronym) is lower-cased as a whole, except its last capital
    when a lower-case letter follows, which starts the next word: ``IPOfficeCode`` →
    ``ipOfficeCode``, ``IPCRClassificationBag`` → ``ipcrClassificationBag``, ``NPLCitation`` →
    ``nplCitation``, ``ST13ApplicationNumber`` → ``st13ApplicationNumber``, ``ApplicantBag`` →
    ``applicantBag``. This is how ST.96 names its own lowerCamelCase attributes after an acronym
    (``ipoVersion``, ``nplStandardNumberCategory``), so one rule covers elements and attributes
    (attribute names, already lowerCamelCase, are unchanged by it). Acronyms after the first word
    are kept (``patentCitationOrNPLCitation``). The mapping is not inverted anywhere: the
    schema-driven mapper looks JSON names up in the compiled model.
    """
    run = len(local_name) - len(local_name.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if run == 0:
        return local_name
    if 1 < run < len(local_name) and local_name[run].islower():
        run -= 1  # the last capital begins the next word: IPOffice → ip + Office
    return local_name[:run].lower() + local_name[run:]


def upper_first(name: str) -> str:
    return name[:1].upper() + name[1:]


class PrefixTable:
    """Deterministic namespace → prefix assignment for ``$defs`` keys."""

    def __init__(self, namespaces: Iterable[str], bound: Mapping[str, str] | None = None) -> None:
        by_ns_bound = {}
        for prefix, ns in (bound or {}).items():
            if prefix and ns and ns not in by_ns_bound:
                by_ns_bound[ns] = prefix
        self._prefix: dict[str, str] = {}
        used: set[str] = set()
        counter = 0
        for ns in sorted(set(namespaces)):
            wanted = WELL_KNOWN_PREFIXES.get(ns) or by_ns_bound.get(ns)
            if not wanted:
                counter += 1
                wanted = f"ns{counter}"
            wanted = _SAFE.sub("_", wanted)
            candidate, n = wanted, 1
            while candidate in used:
                n += 1
                candidate = f"{wanted}{n}"
            used.add(candidate)
            self._prefix[ns] = candidate

    def prefix(self, namespace: str) -> str:
        try:
            return self._prefix[namespace]
        except KeyError:
            raise KeyError(f"namespace {namespace!r} was not registered") from None

    def key(self, qname: str, suffix: str = "") -> str:
        ns, local = split_qname(qname)
        return f"{self.prefix(ns)}_{_SAFE.sub('_', local)}{suffix}"


def unique_name(wanted: str, taken: set[str], suffix: str) -> str:
    """``wanted`` if free, else ``wanted + suffix``, else with a counter: collision handling for
    JSON property names inside one object (see the README for when this happens)."""
    if wanted not in taken:
        return wanted
    candidate = wanted + suffix
    n = 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}{suffix}{n}"
    return candidate
