"""Runs the nightly report jobs."""

import time


def main() -> None:
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
