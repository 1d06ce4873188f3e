"""Cross-cutting plumbing: settings, database, Temporal client, security, errors."""
