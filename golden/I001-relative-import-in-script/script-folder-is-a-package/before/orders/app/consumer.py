import time

from .config import settings
from . import main


def run():
    while True:
        print(settings["topic"], main.app.title)
        time.sleep(1)


if __name__ == "__main__":
    run()
