"""The JSON Schema of XSD simple types: built-in types, derived types and their facets.

Split from :mod:`st9x.st97.compiler` along the line between complex structure (shapes, objects,
arrays, extensions) and values: everything here turns one XSD simple type into the schema of one
JSON value, and reports what of the XSD cannot be said in JSON Schema (calendar checks, octet
lengths, XSD 1.1 assertions...) to the compiler's loss log.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from st9x.st97 import simple as simple_mod
from st9x.st97.losses import LossLog
from st9x.st97.model import is_builtin, simple_type_of
from st9x.st97.names import split_qname
from st9x.st97.profiles import Settings
from st9x.st97.regex import xsd_to_ecma

XSD = "{http://www.w3.org/2001/XMLSchema}"

_NAME_PATTERNS = {
    "Name": r"\i\c*",
    "NCName": r"[\i-[:]][\c-[:]]*",
    "ID": r"[\i-[:]][\c-[:]]*",
    "IDREF": r"[\i-[:]][\c-[:]]*",
    "ENTITY": r"[\i-[:]][\c-[:]]*",
    "NMTOKEN": r"\c+",
    "language": r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*",
}


def jsonable_number(value: Any) -> int | float:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    d = Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


class SimpleTypeSchemas:
    """The simple-type half of the compiler, as a mixin: the compiler supplies its settings,
    loss log, ``$ref`` construction and the shared XML-string definition."""

    settings: Settings
    losses: LossLog
    _reported_builtins: set[str]

    def ref(self, key: str) -> dict[str, Any]:
        raise NotImplementedError

    def key_for_type(self, xsd_type: Any) -> str:
        raise NotImplementedError

    def xml_string(self) -> dict[str, Any]:
        raise NotImplementedError

    def simple_schema(self, st: Any) -> dict[str, Any]:
        if is_builtin(st):
            return self.builtin_schema(st)
        if st.name is not None:
            return self.ref(self.key_for_type(st))
        return self.simple_body(st)

    def builtin_schema(self, st: Any) -> dict[str, Any]:
        local = split_qname(st.name)[1]
        if local in ("ID", "IDREF", "IDREFS") and local not in self._reported_builtins:
            self._reported_builtins.add(local)
            self.losses.add_at("id-idref", f"<builtin xs:{local}>",
                               "ID uniqueness and IDREF integrity are not expressible")
        if local == "boolean":
            return {"type": "boolean"}
        if local in simple_mod.INTEGER_BOUNDS:
            lo, hi = simple_mod.INTEGER_BOUNDS[local]
            out: dict[str, Any] = {"type": "integer"}
            if lo is not None:
                out["minimum"] = lo
            if hi is not None:
                out["maximum"] = hi
            return out
        if local in simple_mod.NUMBER_TYPES:
            if local in ("float", "double") and local not in self._reported_builtins:
                self._reported_builtins.add(local)
                self.losses.add_at("float-special", f"<builtin xs:{local}>",
                                   "INF, -INF and NaN have no JSON number form")
            return {"type": "number"}
        if local in simple_mod.DATE_PATTERNS:
            # The XSD lexical space is the pattern. "format" is never applied to it as a whole:
            # RFC 3339 date-time/time require a time zone and full-date forbids one, all want
            # exactly four year digits, and JSON Schema durations have no sign, fractions or
            # skipped units — all of which XSD allows, so a validator that asserts formats
            # (jsonschema-rs, fastjsonschema) would reject XSD-valid values. Only values in
            # the common form where RFC 3339 and XSD coincide get the format, through if/then,
            # so that asserting validators still check the calendar there (2024-02-30).
            out = {"type": "string", "pattern": _xsd10_years(simple_mod.DATE_PATTERNS[local])}
            if local in _RFC3339_FORMS:
                fmt, form = _RFC3339_FORMS[local]
                out["if"] = {"pattern": form}
                out["then"] = {"format": fmt}
            if local in _CALENDAR_GAPS and local not in self._reported_builtins:
                self._reported_builtins.add(local)
                self.losses.add_at("date-calendar", f"<builtin xs:{local}>",
                                   _CALENDAR_GAPS[local])
            return out
        if local == "anyURI":
            # no "format": uri-reference rejects IRIs (non-ASCII), spaces and '%' typos that
            # XSD 1.0 anyURI accepts (its lexical space is effectively any string)
            return self.xml_string()
        if local == "hexBinary":
            return {"type": "string", "pattern": "^(?:[0-9a-fA-F]{2})*$"}
        if local == "base64Binary":
            return {**self.xml_string(), "contentEncoding": "base64"}
        if local in ("IDREFS", "NMTOKENS", "ENTITIES"):
            item = "IDREF" if local == "IDREFS" else local[:-1]
            return {"type": "array", "items": self._named_pattern(item), "minItems": 1}
        if local in _NAME_PATTERNS:
            return self._named_pattern(local)
        return self.xml_string()

    def _named_pattern(self, local: str) -> dict[str, Any]:
        tr = xsd_to_ecma(_NAME_PATTERNS[local], unicode=self.settings.regex_unicode,
                         digits=self.settings.regex_digits)
        return {"type": "string", "pattern": tr.pattern} if tr.pattern else self.xml_string()

    def simple_body(self, st: Any) -> dict[str, Any]:
        """The definition of a derived simple type: its base plus its own facets."""
        if is_builtin(st):
            return self.builtin_schema(st)
        if st.is_list() and hasattr(st, "item_type"):
            out: dict[str, Any] = {"type": "array", "items": self.simple_schema(st.item_type)}
            self._facets(out, st, "list")
            return out
        if st.is_union() and hasattr(st, "member_types"):
            return {"anyOf": [self.simple_schema(m) for m in st.member_types]}
        base = st.base_type
        if base is None:
            return self.xml_string()
        base_schema = self.simple_schema(base) if base.is_simple() else self.simple_body(
            simple_type_of(base)
        )
        own: dict[str, Any] = {}
        self._facets(own, st, simple_mod.json_kind(st))
        if simple_mod.json_kind(st) == "union" and own:
            self.losses.add("union-facets", st, "facets on a restricted union apply to the "
                            "union as a whole and are emitted beside its anyOf")
        if not own:
            return dict(base_schema)
        if "enum" in own and base_schema == self.xml_string():
            base_schema = {"type": "string"}  # the values come from the XSD: XML characters
        if "$ref" in base_schema:
            return {**base_schema, **own}
        clash = set(own) & set(base_schema)
        if clash:
            return {**base_schema, "allOf": [own]}
        return {**base_schema, **own}

    def _facets(self, out: dict[str, Any], st: Any, kind: str) -> None:
        facets = getattr(st, "facets", {}) or {}
        for qname, facet in facets.items():
            if qname is None:
                continue
            local = split_qname(qname)[1]
            if local == "enumeration":
                values = []
                for raw in facet.enumeration:
                    try:
                        values.append(plain(simple_mod.decode(str(_lexical(raw)), st)))
                    except simple_mod.ValueProblem:
                        values.append(str(raw))
                out["enum"] = values
            elif local == "pattern":
                self._pattern(out, st, facet)
            elif local in ("length", "minLength", "maxLength"):
                self._length(out, st, kind, local, facet.value)
            elif local in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
                if kind in ("integer", "number"):
                    keyword = {"minInclusive": "minimum", "maxInclusive": "maximum",
                               "minExclusive": "exclusiveMinimum",
                               "maxExclusive": "exclusiveMaximum"}[local]
                    out[keyword] = jsonable_number(facet.value)
                else:
                    self.losses.add("bound", st, f"{local}={facet.value} on a non-numeric "
                                    f"type ({simple_mod.builtin_name(st)}) is not expressible")
            elif local in ("totalDigits", "fractionDigits"):
                self._digits(out, st, facets)
            elif local in ("whiteSpace",):
                continue  # applied by the mapper to the value; JSON holds normalised values
            elif local == "assertion":
                self.losses.add("assertion", st, "XSD 1.1 assertion not expressible")
            else:
                self.losses.add("facet", st, f"facet {local} not expressed")

    def _pattern(self, out: dict[str, Any], st: Any, facet: Any) -> None:
        translated = []
        for source in facet.regexps:
            tr = xsd_to_ecma(source, unicode=self.settings.regex_unicode,
                             digits=self.settings.regex_digits)
            for note in tr.notes:
                self.losses.add("pattern", st, f"pattern {source!r}: {note}")
            if tr.pattern is None:
                return  # one alternative untranslatable: the whole facet is lost (reported)
            translated.append(tr.pattern)
        if simple_mod.json_kind(st) in ("integer", "number", "boolean"):
            self.losses.add("pattern", st, f"pattern {facet.regexps!r} on a non-string type "
                            "cannot apply to a JSON number/boolean")
            return
        out["pattern"] = "|".join(translated)

    def _length(self, out: dict[str, Any], st: Any, kind: str, local: str, value: int) -> None:
        if kind == "list":
            keys = {"length": ("minItems", "maxItems"), "minLength": ("minItems",),
                    "maxLength": ("maxItems",)}[local]
        elif simple_mod.builtin_name(st) in ("hexBinary", "base64Binary"):
            self.losses.add("length", st, f"{local} counts octets of binary data; not expressed")
            return
        elif kind != "string":
            self.losses.add("length", st, f"{local} on a {kind} type not expressed")
            return
        else:
            keys = {"length": ("minLength", "maxLength"), "minLength": ("minLength",),
                    "maxLength": ("maxLength",)}[local]
        for key in keys:
            out[key] = value

    def _digits(self, out: dict[str, Any], st: Any, facets: Mapping[Any, Any]) -> None:
        total = facets.get(f"{XSD}totalDigits")
        fraction = facets.get(f"{XSD}fractionDigits")
        t = total.value if total is not None else None
        f = fraction.value if fraction is not None else None
        if f is not None:
            out["multipleOf"] = 1 if f == 0 else float(Decimal(1).scaleb(-f))
        if t is not None:
            limit_exp = t - (f if f is not None else 0)
            if f is None and simple_mod.json_kind(st) != "integer":
                limit_exp = t
                self.losses.add("digits", st, f"totalDigits={t} without fractionDigits: only "
                                "the magnitude bound is expressed")
            out["exclusiveMaximum"] = 10**limit_exp
            out["exclusiveMinimum"] = -(10**limit_exp)


#: XSD type → (RFC 3339 format, the part of the XSD lexical space written the RFC 3339 way:
#: four-digit year, no 24:00:00, and a time zone exactly where RFC 3339 needs one). On these
#: values the format is no stricter than XSD — it adds the calendar check the pattern lacks.
_RFC3339_FORMS: dict[str, tuple[str, str]] = {
    "date": ("date", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
    "dateTime": ("date-time", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-9]{2}:"
                 r"[0-9]{2}(?:\.[0-9]+)?(?:Z|[+\-][0-9]{2}:[0-9]{2})$"),
}
#: The XSD types whose pattern cannot check the day against the month (and year), and where.
#: The others of the family (time, gYear, gYearMonth, gMonth, gDay, duration) are exact.
_CALENDAR_GAPS = {
    "date": "the pattern checks the lexical form only: the day of the month against the month "
            "and year (2024-02-30, 2023-02-29) is checked only by validators that assert "
            "'format', and only for values without a time zone (RFC 3339 full-date, given "
            "format through if/then)",
    "dateTime": "the pattern checks the lexical form only: the day of the month against the "
                "month and year (2024-02-30T10:00:00) is checked only by validators that assert "
                "'format', and only for values with a time zone, a four-digit year and an hour "
                "below 24 (RFC 3339 date-time, given format through if/then)",
    "gMonthDay": "the pattern does not check the day against the month (--02-30 passes)",
}
_YEAR_ZERO_PADDED = "|0[0-9]{3})"


def _xsd10_years(pattern: str) -> str:
    """XSD 1.0 prohibits the year 0000 (XSD 1.1 allows it); the shared date patterns accept any
    zero-padded year, so exclude 0000 here with a lookahead (ECMA-262 and Python ``re``)."""
    return pattern.replace(_YEAR_ZERO_PADDED, "|0(?!000)[0-9]{3})")


def _lexical(raw: Any) -> Any:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, Decimal):
        return format(raw, "f")
    return raw


def plain(value: Any) -> Any:
    """JSON-serialisable with the standard library (schemas are plain JSON)."""
    if isinstance(value, Decimal):
        return jsonable_number(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
