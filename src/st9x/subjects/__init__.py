"""Subjects: what a run puts to the test. Validators judge instances against schemas, converters
turn XSDs and XML into ST.97 JSON Schemas and JSON (and back), linters check schemas and API
contracts against design rules. Each kind sits behind a small protocol and is found through one
entry-point registry (:mod:`st9x.subjects.registry`)."""
