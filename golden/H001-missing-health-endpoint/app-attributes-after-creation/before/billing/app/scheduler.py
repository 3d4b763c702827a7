import time

from app.config import settings

if __name__ == "__main__":
    while True:
        print("statements for", settings.database_url.rsplit("/", 1)[-1])
        time.sleep(3600)
