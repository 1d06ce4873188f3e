"""Temporal workflows: one module per process. Keep these modules free of side effects."""
