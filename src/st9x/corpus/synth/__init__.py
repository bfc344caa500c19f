"""Corpus synthesis: valid instances generated from a schema, and one-constraint mutants of them.

The core is what every format shares: the records (:mod:`.records`: verdicts, site, document,
mutant), the one report of a run (:mod:`.report`), the mutation driver that keeps a mutant only
where every validator rejects it (:mod:`.mutation`), the writer of the corpus directory with its
manifest and ``report.json`` (:mod:`.writer`), and the seeded regex sampler (:mod:`.regex`).
Each side holds only what its format needs: :mod:`.xml` (from an XSD, checked by lxml and
xmlschema) and :mod:`.json` (from a JSON Schema, checked by jsonschema-rs and python
``jsonschema``). Nothing here depends on the engine or the adapters: the libraries are used
directly, so a corpus can be made without the harness.
"""
