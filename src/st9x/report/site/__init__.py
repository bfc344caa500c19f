"""The static site of one or more runs: ``st9x report RESULTS_DIR... -o SITE_DIR``.

Plain HTML from Jinja2 templates (autoescape on: every case id, message and instance from a
results folder is data and is rendered as text), one small CSS file, no JavaScript, relative
links only, so that a site works from ``file://`` and from any static host.

The site is a table of page builders (:data:`st9x.report.site.pages.BUILDERS`): small functions
that each take the :class:`SiteContext` and yield the :class:`Page` objects of one part of the
site (the overview, the matrices, a drill-down per case, the register's evidence...). Adding a
part is adding a function to the table.
"""

from st9x.report.site.build import build_site
from st9x.report.site.model import Asset, Page, SiteContext

__all__ = ["Asset", "Page", "SiteContext", "build_site"]
