"""Wing of the funder (IRCC): the sector view and its exports (``sector``), and the JSON API (``api``)."""
