"""The JSON side of corpus synthesis: instances drawn from a JSON Schema, and their mutants."""
