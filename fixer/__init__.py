"""fixer: finds and fixes what breaks the deployment of containerized FastAPI services."""

__version__ = "0.1.0"
