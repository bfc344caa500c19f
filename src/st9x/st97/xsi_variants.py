"""``xsi:type`` variants: which derived types an element declaration can take, for both sides.

One job: answer, once per element declaration, which named types derived from its type an
instance may name in ``xsi:type`` and the JSON form can carry (option ``xsi-type=anyof``), with
the losses for those it cannot. The compiler emits one ``anyOf`` branch per variant and the
mapper converts by the same answer. It is apart from the shape of any one type: it looks across
the whole schema set (derivation chains, ``block``) and asks the builder only for the shapes of
the candidates.
"""

from __future__ import annotations

from typing import Any

from xmlschema.validators import XsdComplexType

from st9x.st97.losses import LossLog
from st9x.st97.model import TYPE_MEMBER, Shape, is_builtin, is_simple_valued
from st9x.st97.names import split_qname
from st9x.st97.profiles import Settings

#: xsi:type variants per element declaration beyond which none is emitted (reported).
MAX_XSI_VARIANTS = 16


class XsiTypeVariants:
    """The ``xsi:type`` half of the shape builder, as a mixin: the builder supplies the schema,
    settings, loss log, the caches below (set in its ``__init__``) and :meth:`shape`."""

    schema: Any
    settings: Settings
    losses: LossLog
    #: base type id → named, non-abstract types derived from it (built on first use)
    _derived: dict[int, list[Any]] | None
    #: declaration id → its variants (:meth:`xsi_variants`)
    _xsi: dict[int, dict[str, Any]]

    def shape(self, xsd_type: Any) -> Shape:
        raise NotImplementedError

    def derived_types(self, xsd_type: Any) -> list[Any]:
        """Named, non-abstract types derived (in one or more steps) from ``xsd_type`` in the
        loaded schema set, sorted by name."""
        if self._derived is None:
            derived: dict[int, list[Any]] = {}
            for t in self.schema.maps.types.values():
                if is_builtin(t) or getattr(t, "abstract", False):
                    continue
                base = getattr(t, "base_type", None)
                while base is not None and not is_builtin(base):
                    derived.setdefault(id(base), []).append(t)
                    base = getattr(base, "base_type", None)
            self._derived = {k: sorted(v, key=lambda t: t.name) for k, v in derived.items()}
        return self._derived.get(id(xsd_type), [])

    def xsi_variants(self, decl: Any) -> dict[str, Any]:
        """Clark name → derived type, for the types an instance may name in ``xsi:type`` on an
        element of ``decl`` *and* whose JSON form is an object that can carry
        :data:`TYPE_MEMBER` (option ``xsi-type=anyof``; empty otherwise). Losses say what is
        left out and why; the compiler and the mapper both use this one answer."""
        decl = decl.ref if getattr(decl, "ref", None) is not None else decl
        key = id(decl)
        cached = self._xsi.get(key)
        if cached is not None:
            return cached
        xsd_type = decl.type
        out: dict[str, Any] = {}
        self._xsi[key] = out
        if is_builtin(xsd_type):
            return out
        blocked = set((getattr(decl, "block", None) or "").split())
        blocked |= set((getattr(xsd_type, "block", None) or "").split())
        candidates = []
        for derived in self.derived_types(xsd_type):
            methods = set()
            step = derived
            while step is not None and step is not xsd_type:
                methods.add(getattr(step, "derivation", None))
                step = getattr(step, "base_type", None)
            if "#all" in blocked or methods & blocked:
                continue
            candidates.append(derived)
        if not candidates:
            return out
        names = ", ".join(split_qname(t.name)[1] for t in candidates[:6]) + (
            f" and {len(candidates) - 6} more" if len(candidates) > 6 else "")
        if self.settings.xsi_type != "anyof":
            self.losses.add(
                "xsi-type", xsd_type,
                f"types derived from it ({names}) may replace it through xsi:type in "
                "instances; not expressed (xsi-type=none: the mapper refuses such instances)",
            )
            return out
        if len(candidates) > MAX_XSI_VARIANTS:
            self.losses.add(
                "xsi-type", decl,
                f"{len(candidates)} types derived from the declared type ({names}): more than "
                f"{MAX_XSI_VARIANTS} variants, none is expressed (the mapper refuses xsi:type)",
            )
            return out
        refused = []
        for derived in candidates:
            if self._carries_type(derived):
                out[derived.name] = derived
            else:
                refused.append(split_qname(derived.name)[1])
        if refused:
            self.losses.add(
                "xsi-type", decl,
                f"xsi:type {', '.join(refused)}: the derived type's JSON form is not an object "
                f"(a scalar, a collection array or JsonML), so it cannot carry {TYPE_MEMBER!r}; "
                "not expressed (the mapper refuses it)",
            )
        return out

    def _carries_type(self, xsd_type: Any) -> bool:
        if not isinstance(xsd_type, XsdComplexType) or is_simple_valued(xsd_type):
            return False
        shape = self.shape(xsd_type)
        return shape.kind == "object" or (
            shape.kind == "mixed" and self.settings.mixed != "jsonml")
