"""The benchmark office: a deterministic data generator and the benchmark runner (docs/performance.md)."""
