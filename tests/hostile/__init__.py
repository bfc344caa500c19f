"""Hostile and broken input, faults and fuzzing (issue "Hostile and broken input").

A package on purpose: its ``conftest.py`` is then imported as ``hostile.conftest`` and does not
replace ``tests/conftest.py`` as the module ``conftest``, which ``tests/test_safety.py`` imports
``Loopback`` from.
"""
