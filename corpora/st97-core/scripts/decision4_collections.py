"""One-off migration of st97-core to register decision 4 (kept for provenance; idempotent).

The first version of the corpus kept every Bag an object holding its array
(``"applicantBag": {"applicant": [...]}``). Decision 4 removes that wrapper: a collection (an
element whose content is one repeated child and which has no attributes, e.g. ``ApplicantBag``)
*is* the JSON array. ``CitationBag`` (a repeated choice, open question 6) follows the ``ordered``
representation of st9x's converter, which is the collection itself when the choice is the whole
content: ``"citationBag": [{"patentCitation": …}, {"nplCitation": …}]``.

Run from the repository root: ``python corpora/st97-core/scripts/decision4_collections.py``.
It rewrites the six schemas (each ``…BagType`` definition becomes the array schema of its one
property), every instance (``{"inner": [...]}`` under a Bag property becomes ``[...]``), and the
two JSON-type cases whose point was the wrapper.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Bag property → the one property its pre-decision wrapper object held
BAGS = {
    "applicantBag": "applicant", "inventorBag": "inventor", "representativeBag": "representative",
    "priorityClaimBag": "priorityClaim", "feeBag": "fee", "goodsServicesBag": "goodsServices",
    "markImageBag": "markImage", "viennaCodeBag": "viennaCode", "designBag": "design",
    "viewBag": "view", "indicationProductBag": "indicationProduct", "designerBag": "designer",
    "ipcrClassificationBag": "ipcrClassification", "inventionTitleBag": "inventionTitle",
    "citationBag": "patentCitationOrNplCitation",
}
TYPES = {name[0].upper() + name[1:] + "Type": inner for name, inner in BAGS.items()}
TYPES["IPCRClassificationBagType"] = TYPES.pop("IpcrClassificationBagType")
RENAMED = {"tm-app-applicant-bag-as-array": "tm-app-applicant-bag-as-wrapper-object"}


def collapse_instance(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            inner = BAGS.get(key)
            if inner and isinstance(item, dict) and list(item) == [inner] \
                    and isinstance(item[inner], list):
                item = item[inner]
            out[key] = collapse_instance(item)
        return out
    if isinstance(value, list):
        return [collapse_instance(v) for v in value]
    return value


def collapse_schema(schema: dict[str, Any]) -> dict[str, Any]:
    defs = schema.get("$defs") or schema.get("definitions") or {}
    for name, inner in TYPES.items():
        body = defs.get(name)
        if not (isinstance(body, dict) and body.get("type") == "object"):
            continue  # absent from this file, or already an array
        array = dict(body["properties"][inner])
        what = "decision 4: the collection is the array itself (no wrapper object)"
        if name == "CitationBagType":
            what += "; the repeated choice as the ordered array (open question 6)"
        defs[name] = {"description": what, **{k: v for k, v in array.items()
                                                if k != "description"}}
    return schema


def dump(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    for path in sorted(ROOT.glob("schemas/*/*.schema.json")):
        dump(path, collapse_schema(json.loads(path.read_text(encoding="utf-8"))))
    keep = {f"{new}.json" for new in RENAMED.values()}  # its point is the wrapper itself
    for path in sorted(ROOT.glob("instances/*/*.json")):
        if path.name not in keep:
            dump(path, collapse_instance(json.loads(path.read_text(encoding="utf-8"))))
    # the two JSON-type cases built on the wrapper: keep their point in the new shape
    design = ROOT / "instances/invalid/dgn-app-design-as-object.json"
    doc = json.loads(design.read_text(encoding="utf-8"))
    bag = doc["designApplication"]["designBag"]
    if isinstance(bag, dict) and list(bag) == ["design"]:
        doc["designApplication"]["designBag"] = bag["design"]  # one design, not in an array
        dump(design, doc)
    old = ROOT / "instances/invalid/tm-app-applicant-bag-as-array.json"
    new = ROOT / f"instances/invalid/{RENAMED[old.stem]}.json"
    if old.exists():
        old.rename(new)
    doc = json.loads(new.read_text(encoding="utf-8"))
    party = doc["trademarkApplication"]["partyBag"]
    if isinstance(party["applicantBag"], list):
        party["applicantBag"] = {"applicant": party["applicantBag"]}  # the removed wrapper
        dump(new, doc)
    manifest = ROOT / "manifest.json"
    text = manifest.read_text(encoding="utf-8")
    for before, after in RENAMED.items():
        text = text.replace(before, after)
    data = json.loads(text)
    for case in data["cases"]:
        if case["id"].startswith("tm-app-applicant-bag-as-wrapper-object"):
            case["description"] = (
                "applicantBag given as the pre-decision wrapper object {\"applicant\": [...]} "
                "instead of the array itself (decision 4 removes the wrapper).")
        if case["id"].startswith("dgn-app-design-as-object"):
            case["description"] = ("A single design given as the designBag object instead of "
                                   "an array of designs; decision 4 makes a collection an "
                                   "array even for one item.")
    dump(manifest, data)


if __name__ == "__main__":
    main()
