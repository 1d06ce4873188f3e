"""Tables, enums and workflow-boundary contracts.

Kept import-light on purpose: workflow code imports `models.contracts` and `models.enums`
inside the Temporal sandbox, so nothing here may pull in SQLModel. `models.registry`
imports every table for alembic and the app.
"""
