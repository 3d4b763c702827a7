import os

# the users service's gRPC API
USERS_TARGET = os.environ.get("USERS_TARGET", "users:8080")
