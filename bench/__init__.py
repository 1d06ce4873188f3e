"""Benchmarks: scripts that report figures, never tests."""
