"""Linters: design-rule checkers that judge a schema or an API contract itself (ST.96 naming and
structure rules, ST.97 and ST.90 conventions) rather than instances against it."""
