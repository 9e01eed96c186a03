"""Performance benchmarks (``make bench``); see perf/README.md. Everything they generate is synthetic."""
