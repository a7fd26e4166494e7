"""``python -m natoasia``."""

import sys

from .cli import main

sys.exit(main())
