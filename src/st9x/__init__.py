"""st9x: a validation test-suite and benchmark harness for WIPO ST.96, ST.97 and ST.90 data."""

__version__ = "0.1.0"
