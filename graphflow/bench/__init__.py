"""Benchmark workloads (BENCHMARKS.md W1-W6), timing and reporting behind `graphflow bench`."""
