"""Web APIs as subjects: the reference ST.90 API st9x serves for tests and demos
(:mod:`st9x.subjects.apis.reference`), and the live checker's prober that probes a running
API (:mod:`st9x.subjects.apis.live`)."""
