"""PyInstaller's entry script for Suno Desktop.

``suno_desktop/__main__.py`` uses a relative import (``from .app import run``), which
fails when PyInstaller runs it as a top-level ``__main__`` script; this file is the same
entry point with an absolute import: ``suno_desktop.app.run()`` hands ``sync``, ``list``,
``create``, ``lyrics`` and ``--version`` to the command line and opens the window for
anything else.
"""

import sys

from suno_desktop.app import run

if __name__ == "__main__":
    sys.exit(run())
