"""``python -m screenplay`` is the ``screenplay`` command."""

import sys

from screenplay.cli import main

sys.exit(main())
