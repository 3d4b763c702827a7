"""Run the test suite in Docker Compose."""

import os
import subprocess
import sys

COMPOSE = ["docker", "compose", "-f", "docker-compose.test.yml"]


def main() -> int:
    os.environ["TEST_PATH"] = sys.argv[1] if len(sys.argv) > 1 else "tests/"
    env = os.environ.copy()
    env["COVERAGE"] = "1"
    env.update(VERBOSE="1")
    try:
        return subprocess.run([*COMPOSE, "up", "--exit-code-from", "tests"], env=env).returncode
    finally:
        subprocess.run([*COMPOSE, "down", "-v"], env=env)


if __name__ == "__main__":
    sys.exit(main())
