"""Fixtures of the feeds' tests: ``feeds``, two monthly lists imported through the real job (``viewdata.py``)."""

from canhgac.intel.tests.viewdata import feeds

__all__ = ["feeds"]
