"""``python -m nlp``: see :mod:`nlp.cli`."""

from __future__ import annotations

import logging

from nlp.cli import main

__all__: list[str] = []

logger = logging.getLogger(__name__)

if __name__ == "__main__":
    raise SystemExit(main())
