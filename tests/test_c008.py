"""C008 undefined-reference: what the reason tells the author to do."""

from __future__ import annotations

import pytest

from kit import check

VOLUME = ("services:\n  pgadmin:\n    image: dpage/pgadmin4:8\n    volumes:\n"
          "      - {used}:/var/lib/pgadmin\n\nvolumes:\n  pgadmin-data:\n")


@pytest.mark.parametrize(("used", "reason"), [
    # Docker refuses a volume name with a `/`: the defined name is the one meant
    ("pgadmin-data/", "remove the trailing `/` from `pgadmin-data/`: `pgadmin-data` is defined"),
    ("pgadmin-cache", "define `pgadmin-cache` under the top-level `volumes:`, or name the "
                      "volume that was meant"),
])
def test_the_reason_names_the_volume_meant(used: str, reason: str) -> None:
    [finding] = check({"docker-compose.yml": VOLUME.format(used=used)}, select="C008")
    assert finding.reason == reason
