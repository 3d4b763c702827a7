from db import get_db_connection

import psycopg2


def get_connection():
    return get_db_connection()
