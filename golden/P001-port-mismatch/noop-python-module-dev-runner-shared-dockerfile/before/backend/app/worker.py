import logging
import time

log = logging.getLogger("worker")


def main() -> None:
    while True:
        log.info("reconciling stock levels")
        time.sleep(60)


if __name__ == "__main__":
    main()
