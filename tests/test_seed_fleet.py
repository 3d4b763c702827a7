"""The seed audit's fleet: the port and Dockerfile findings it lists, fixed in one run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import SEED_FLEET, assert_compose_accepts, copy_tree, run_cli

PORT_MISMATCHES = {"gateway_service": 8080, "auth_service": 8001, "ai_modeling_service": 8002,
                   "billing_service": 8010, "invoice_service": 8011}
SERVICES = sorted([*PORT_MISMATCHES, "notification_service", "usage_service"])


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    return copy_tree(SEED_FLEET, tmp_path / "seed-fleet")


def findings(repo: Path, *args: str) -> list[dict[str, object]]:
    code, out, err = run_cli("check", repo, "--format", "json", *args)
    document = json.loads(out)
    assert document["errors"] == [], err
    assert code == (1 if document["findings"] else 0)
    return list(document["findings"])


def test_check_reports_the_audit_port_and_dockerfile_findings(fleet: Path) -> None:
    found = findings(fleet)
    ports = [f for f in found if f["code"] == "P001"]
    assert sorted(str(f["service"]) for f in ports) == sorted(PORT_MISMATCHES)
    for finding in ports:
        port = PORT_MISMATCHES[str(finding["service"])]
        assert str(port) in str(finding["message"]) and "8000" in str(finding["message"])
        assert finding["path"] == "docker-compose.yml"
        assert finding["fix"] is not None and finding["fix"]["safety"] == "safe"  # type: ignore[index]
    copies = [f for f in found if f["code"] == "D001"]
    assert sorted(str(f["path"]) for f in copies) == [f"{s}/app/Dockerfile" for s in SERVICES]
    assert all(f["line"] == 1 for f in copies)


def test_one_fix_run_clears_them_and_compose_still_accepts_the_file(fleet: Path) -> None:
    code, out, err = run_cli("fix", "--apply", fleet)
    assert code == 1, err
    assert out == ""
    assert findings(fleet, "--select", "P,D001") == []
    assert run_cli("fix", fleet, "--select", "P,D001")[:2] == (0, "")
    for service, port in PORT_MISMATCHES.items():
        text = (fleet / service / "Dockerfile").read_text()
        assert f'"--port", "{port}"' in text and f"EXPOSE {port}" in text
    assert not list(fleet.glob("*/app/Dockerfile"))
    compose = (fleet / "docker-compose.yml").read_text()
    for port in PORT_MISMATCHES.values():  # compose is the truth by default: its ports stay
        assert f'"{port}:{port}"' in compose and f"localhost:{port}/health" in compose
    assert_compose_accepts(fleet)


def test_the_audit_findings_of_every_category_are_reported(fleet: Path) -> None:
    """Every finding of the seed audit, and its immediate actions, have a rule here."""
    found = findings(fleet)
    by_code: dict[str, set[str]] = {}
    for finding in found:
        by_code.setdefault(str(finding["code"]), set()).add(str(finding["service"]))
    assert by_code["P001"] == set(PORT_MISMATCHES)             # fix port mismatches
    assert by_code["D001"] == set(SERVICES)                    # remove duplicate Dockerfiles
    assert "C001" in by_code                                   # add the database service
    assert by_code["D003"] == set(SERVICES)                    # add curl to the containers
    assert by_code["S002"] == {"notification_service"}         # its structural defect
    # Every seed finding has a fix, but gateway's C003 entries wait on the healthchecks that
    # auth's and billing's D003/P001 fixes repair: until then gating would keep gateway down.
    waiting = [f for f in found if f["fix"] is None]
    assert {(f["code"], f["service"]) for f in waiting} == {("C003", "gateway_service")}
    assert len(waiting) == 2


def test_after_the_full_fix_nothing_is_left(fleet: Path) -> None:
    code, _, err = run_cli("fix", "--apply", fleet)
    assert code == 1, err
    assert findings(fleet) == []
    assert findings(fleet, "--select", "D,I,H,S") == []
    assert findings(fleet, "--select", "C") == []
    assert run_cli("fix", fleet)[:2] == (0, "")
    assert (fleet / "notification_service" / "app" / "__init__.py").exists()
    for service in SERVICES:
        assert "curl" in (fleet / service / "Dockerfile").read_text()
    compose = (fleet / "docker-compose.yml").read_text()
    assert "\n  db:\n" in compose and "condition: service_healthy" in compose
    assert_compose_accepts(fleet)
