"""pytest set-up of this repository. st9x's pytest plugin is not loaded from here: it is registered
under the ``pytest11`` entry point, so installing st9x gives it to any project (``--corpus``,
``--adapter``, ``--tag``, ``--ledger``, ``--external``)."""
