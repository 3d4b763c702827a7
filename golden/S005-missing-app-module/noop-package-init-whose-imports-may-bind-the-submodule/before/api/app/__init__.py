"""The API package: its routes module loads the app."""
from . import routes
