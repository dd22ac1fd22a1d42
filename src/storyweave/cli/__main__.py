"""`python -m storyweave.cli ARGS`: the command line, as the `storyweave` console script runs it."""

import sys

from storyweave.cli import app

if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
