"""``python -m suno_desktop``: the same entry point as the ``suno-desktop`` command."""

import sys

from .app import run

if __name__ == "__main__":
    sys.exit(run())
