"""Wing of the capacity-building intermediaries: workshops, their cohorts and live view."""
