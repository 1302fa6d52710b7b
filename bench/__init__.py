"""The benchmark office: a deterministic data generator and the benchmark runner (BENCHMARKS.md)."""
