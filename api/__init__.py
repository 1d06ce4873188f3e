"""FastAPI: starts workflows, delivers people's actions into them, serves the portal pages."""
