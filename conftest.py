"""pytest set-up for st9x: the suites in ``suites/`` are collected by st9x's pytest plugin, which
adds ``--corpus``, ``--adapter``, ``--tag``, ``--ledger`` and ``--external``."""

pytest_plugins = ["st9x.pytest_plugin", "st9x.pytest_conversion"]
