"""Wing of the settlement organisations: the questionnaire (``assessment``) and the results (``results``)."""
