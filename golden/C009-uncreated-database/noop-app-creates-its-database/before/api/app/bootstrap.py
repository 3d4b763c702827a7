"""Creates the service's database on a fresh server before the app connects."""
import os

from sqlalchemy_utils import create_database, database_exists


def ensure_database() -> None:
    url = os.environ["DATABASE_URL"]
    if not database_exists(url):
        create_database(url)
