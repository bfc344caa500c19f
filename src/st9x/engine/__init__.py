"""The engine: plans case x adapter work, runs it through an executor, writes results."""
