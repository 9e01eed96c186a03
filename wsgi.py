"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

import sys

from benchmark.app import create_app
from benchmark.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    # One clear line instead of a traceback per worker; 4 is gunicorn's "App failed to load",
    # which stops the server instead of starting new workers that fail the same way.
    print(f"Configuration error: {error}", file=sys.stderr)
    sys.exit(4)
