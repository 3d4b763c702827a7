"""The database of a stack: PostgreSQL URLs, the services using them, the service fixer adds."""
