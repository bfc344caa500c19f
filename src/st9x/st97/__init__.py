"""ST.97: XSD to JSON Schema compilation and XML <-> JSON instance mapping."""
