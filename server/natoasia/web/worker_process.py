"""Process entry point of a query worker (a module of its own so that jobs and outcomes pickle
under their real module name, not ``__main__``)."""

import sys

from natoasia.web.worker import main

main(sys.argv[1:])
