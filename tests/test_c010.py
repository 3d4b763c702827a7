"""C010's reason for the postgres 18 data path: the pin it names keeps the image's own
variant and registry, and says which file tells the release that wrote the data."""

from __future__ import annotations

import pytest

from kit import check

COMPOSE = ("services:\n  db:\n    image: {image}\n    environment:\n"
           "      POSTGRES_PASSWORD: secret\n    volumes:\n"
           "      - pgdata:/var/lib/postgresql/data\nvolumes:\n  pgdata:\n")


@pytest.mark.parametrize(("image", "pin"), [
    ("postgres", "postgres:17"),
    ("postgres:latest", "postgres:17"),
    ("postgres:18-alpine", "postgres:17-alpine"),
    ("postgres:18.1-bookworm", "postgres:17-bookworm"),
    ("postgres:alpine", "postgres:17-alpine"),
    ("docker.io/library/postgres:18", "docker.io/library/postgres:17"),
    ("postgres:bookworm", "postgres:17-bookworm"),
])
def test_the_pin_named_keeps_the_images_variant(image: str, pin: str) -> None:
    [finding] = check({"docker-compose.yml": COMPOSE.format(image=image)}, select="C010")
    reason = finding.violation.reason or ""
    assert f"(its PG_VERSION file says which: `{pin}` where 17 did)" in reason, reason
