"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from benchmark.app import create_app

app = create_app()
