"""Web APIs as subjects: a reference ST.90 API served by st9x, and the live checker that
probes a running API."""
