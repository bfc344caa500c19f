"""Instruments used by st9x's own tests and CI (network and file guards), kept out of the
runtime package's top level: nothing in a run depends on them."""
