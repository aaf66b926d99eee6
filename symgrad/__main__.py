"""``python -m symgrad``: the same as the ``symgrad`` command."""

import sys

from symgrad.interfaces.cli import main

if __name__ == "__main__":
    sys.exit(main())
