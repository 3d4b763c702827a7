from application import app
import health_routes  # noqa: F401 registers routes
