"""The XML side of corpus synthesis: instances generated from an XSD, and their mutants.

The entry points are :mod:`~st9x.corpus.synth.xml.generate` and
:mod:`~st9x.corpus.synth.xml.mutate`; the other modules each do one job (make a simple-type
value, index a schema, build a tree, check a document with two validators, copy schema files,
find where a tree can break one constraint) so that each can be tested against small inline
schemas on its own.
"""
