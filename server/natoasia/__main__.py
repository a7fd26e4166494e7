"""``python -m natoasia``."""

import sys

from natoasia.cli import main

sys.exit(main())
