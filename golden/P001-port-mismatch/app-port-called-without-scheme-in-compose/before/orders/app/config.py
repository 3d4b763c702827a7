import os

USERS_ADDRESS = os.environ["USERS_ADDRESS"]
