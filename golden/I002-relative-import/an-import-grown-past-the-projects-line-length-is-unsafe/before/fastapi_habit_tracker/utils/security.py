def authenticate_user():
    return True


def create_access_token():
    return "t"


def hash_password():
    return "h"
