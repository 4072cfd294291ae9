"""Benchmarks against NumPy and PyTorch, run by hand (never timed in the test suite)."""
