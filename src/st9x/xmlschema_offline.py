"""xmlschema, imported with ``urlopen`` kept off the network and off every proxy.

xmlschema reads its own meta-schemas through ``urlopen`` when it is imported, as ``file:``
URLs; with ``file_proxy`` (or ``all_proxy``...) set, the default opener sends them to the proxy
as HTTP requests, whose answers would become the meta-schemas. The command line imports
xmlschema inside :func:`st9x.offline.offline` already (whose audit hook is not installed here:
an import must not put it ahead of a test's guard); the pytest plugin, loaded by pytest
before any st9x code runs, imports this module first instead.
"""

from st9x.offline import local_urlopen

with local_urlopen():
    import xmlschema

__all__ = ["xmlschema"]
