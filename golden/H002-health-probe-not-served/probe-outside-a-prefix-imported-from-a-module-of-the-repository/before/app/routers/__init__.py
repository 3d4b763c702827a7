ROUTE_PREFIX = "/api/v1"
