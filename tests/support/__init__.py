"""Test harness pieces: SMTP capture, databases, the running system, HTTP helpers."""
