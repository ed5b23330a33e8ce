"""PyInstaller's entry script for Suno Desktop.

``suno_desktop/__main__.py`` uses a relative import (``from .cli import main``), which
fails when PyInstaller runs it as a top-level ``__main__`` script; this file is the same
entry point with an absolute import: ``suno_desktop.cli.main()`` handles ``sync``, ``list``,
``--version`` and opens the window for anything else.
"""

import sys

from suno_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
