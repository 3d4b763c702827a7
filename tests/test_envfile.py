"""What a value needs from the shell that runs Compose: `unset_names`, shared by the build
args fixer can know and S001's unresolved Dockerfile names."""

from __future__ import annotations

import pytest

from fixer.core.envfile import unset_names


@pytest.mark.parametrize(("value", "env", "unset"), [
    ("Dockerfile.${APP_ENV}", {}, ["APP_ENV"]),
    ("Dockerfile.${APP_ENV:?set it}", {}, ["APP_ENV"]),     # required: still unset
    ("Dockerfile.$APP_ENV", {}, ["APP_ENV"]),
    ("Dockerfile.${APP_ENV:-dev}", {}, []),                  # a default covers it
    ("Dockerfile.${APP_ENV-dev}", {}, []),
    ("${A:+on}", {}, ["A"]),                                 # an alternative needs A set
    ("Dockerfile.${APP_ENV}", {"APP_ENV": "dev"}, []),
    ("plain", {}, []),
])
def test_unset_names(value: str, env: dict[str, str], unset: list[str]) -> None:
    assert unset_names(value, env) == unset
