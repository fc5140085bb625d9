"""`python -m sim` does what the `goodhart` command does."""

import sys

from sim.cli import main

sys.exit(main())
