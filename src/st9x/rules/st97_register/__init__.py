"""The ST.97 improvement register's resolved decisions (1, 4, 5, 7, 8) as a rule catalogue,
checked on what a converter produced, so that any converter (ours, a library, an external tool)
is measured by the same rules.

Two levels, two tables: :data:`SCHEMA_RULES` read a generated JSON Schema with the XSD it was
generated from (and the converter's loss report); :data:`INSTANCE_RULES` read a converted
instance with its XML source, walking both in parallel with the XSD declaration of each element.
A converter without a JSON Schema (xmlschema's converters, xmltodict) is still measured on its
instances, since the XSD is the corpus's, not the converter's. Every rule decides from the XSD
(:mod:`~st9x.rules.st97_register.xsd`) which elements and types its decision is about, and only
then looks at the JSON.

:func:`schema_checks` and :func:`instance_checks` run a table and fold each rule's findings into
the per-decision verdict the conversion suites record (:class:`DecisionCheck`).
"""

from st9x.rules.st97_register.checks import (
    DecisionCheck,
    instance_checks,
    reported_losses,
    schema_checks,
    summarise,
)
from st9x.rules.st97_register.instance_rules import INSTANCE_RULES, InstanceSubject
from st9x.rules.st97_register.register import DECISIONS
from st9x.rules.st97_register.schema_rules import SCHEMA_RULES, SchemaSubject

__all__ = [
    "DECISIONS",
    "INSTANCE_RULES",
    "SCHEMA_RULES",
    "DecisionCheck",
    "InstanceSubject",
    "SchemaSubject",
    "instance_checks",
    "reported_losses",
    "schema_checks",
    "summarise",
]
