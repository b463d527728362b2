"""Montage's settings, assembled from one module per concern.

Each module below reads its own environment variables (see README). They
are merged in order, so a later concern may refine an earlier one; the
modules import what they need from each other explicitly.
"""

import importlib

_CONCERNS = ("base", "security", "rest", "storage", "dramatiq", "workers", "review", "logging")

for _concern in _CONCERNS:
    _module = importlib.import_module(f"{__name__}.{_concern}")
    globals().update({name: value for name, value in vars(_module).items() if name.isupper()})
