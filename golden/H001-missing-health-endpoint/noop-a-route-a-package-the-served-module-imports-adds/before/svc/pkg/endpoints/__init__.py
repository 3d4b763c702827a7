from .health import get_health
