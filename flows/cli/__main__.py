"""`python -m flows.cli`: the `sweatline` command."""
import sys

from flows.cli import main

sys.exit(main())
