"""The store layer: every model, the summary counts, the content files, and the writes that keep them consistent.

Wings read and write the database only through this package; it imports the core and
the foundations (config, extensions), never the web layer or a wing.
"""
