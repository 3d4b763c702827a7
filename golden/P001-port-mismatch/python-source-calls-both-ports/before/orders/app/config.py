import os

USERS_URL = os.getenv("USERS_URL", "http://users:8080")
