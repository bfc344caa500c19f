"""Internals of the instance generator and the mutation engine.

The public entry points are :mod:`st9x.corpus.synth.xml.generate` and :mod:`st9x.corpus.synth.xml.mutate`; the
modules here each do one job (sample a regex, make a simple-type value, index a schema, build a
tree, check a document with two validators, copy schema files, mutate a tree) so that each can be
tested against small inline schemas on its own.
"""
