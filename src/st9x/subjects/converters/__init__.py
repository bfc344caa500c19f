"""Converters: XSD → JSON Schema and XML ↔ JSON tools behind one small interface, so that
st9x's own ST.97 converter, the libraries users would otherwise pick, and any external command
(such as the USPTO XSD2JSON tool) run through the same conversion suites."""
