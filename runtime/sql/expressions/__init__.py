"""Expression trees: unresolved nodes (what the API and SQL build), bound nodes (typed,
ready to run) and the vectorized kernels behind every built-in function."""
