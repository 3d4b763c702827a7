import time


def run():
    while True:
        time.sleep(60)
