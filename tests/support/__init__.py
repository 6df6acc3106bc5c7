"""Helpers shared by the tests and the benchmarks (no test lives here)."""
