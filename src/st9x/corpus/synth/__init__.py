"""Corpus synthesis: valid instances generated from a schema, and one-constraint mutants."""
