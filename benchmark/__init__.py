"""Settlement Digital Capacity Benchmark / Repère des capacités numériques en établissement."""
