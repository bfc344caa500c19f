"""Compatibility matrices folded from results."""
