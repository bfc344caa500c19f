"""Rule catalogues: design and conformance rules as data, each rule one small function.

A *catalogue* is an ordered table of :class:`~st9x.rules.model.Rule` records, keyed by the rule's
id as the standard numbers it (a register decision, an ST.96 or ST.90 design rule). Each rule is
a function of one *subject* (a generated schema with its XSD, a converted instance with its XML
source…) that yields :class:`~st9x.rules.model.Finding` records, one per place it looked at,
instead of building a verdict string. The catalogue runs its rules in order and keeps them apart:
a rule that raises becomes one ``errored`` finding for that rule, and the others still report.

Keeping rules in tables (as python-jsonschema keeps its keyword functions in a table) lets every
standard's catalogue share one shape: a reader finds a rule by its id, a matrix lists rules in the
standard's order, and a new rule is one function and one line in the table. How findings are
folded into the verdicts a report shows belongs to each catalogue's entry points.

Catalogues:

- :mod:`st9x.rules.st97_register`: the resolved decisions of the ST.97 improvement register
  (1, 4, 5, 7, 8), on converted JSON Schemas and converted instances.

This package reads only :mod:`st9x.st97`, :mod:`st9x.corpus`, :mod:`st9x.errors` and libraries,
so the engine, the matrices and the command line can all use it without cycles.
"""
