"""``python -m contest``: see :mod:`contest.cli`."""

import sys

from contest.cli import main
from tandem.cli import run_cli

if __name__ == "__main__":
    sys.exit(run_cli(main))
