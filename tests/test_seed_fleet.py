"""The seed audit's fleet: the port and Dockerfile findings it lists, fixed in one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit import FixOutcome, check, fix, read_folder
from support import SEED_FLEET, assert_compose_accepts, copy_tree, run_cli

PORT_MISMATCHES = {"gateway_service": 8080, "auth_service": 8001, "ai_modeling_service": 8002,
                   "billing_service": 8010, "invoice_service": 8011}
SERVICES = sorted([*PORT_MISMATCHES, "notification_service", "usage_service"])


def test_check_reports_the_audit_port_and_dockerfile_findings(seed_fleet: dict[str, bytes]) -> None:
    found = check(seed_fleet)
    ports = [f for f in found if f.code == "P001"]
    assert sorted(str(f.service) for f in ports) == sorted(PORT_MISMATCHES)
    for finding in ports:
        port = PORT_MISMATCHES[str(finding.service)]
        assert str(port) in finding.message and "8000" in finding.message
        assert finding.path == "docker-compose.yml"
        assert finding.safety.value == "safe"
    copies = [f for f in found if f.code == "D001"]
    assert sorted(f.path for f in copies) == [f"{s}/app/Dockerfile" for s in SERVICES]
    assert all(f.line == 1 for f in copies)


def test_one_fix_run_clears_them(seed_fleet_fixed: FixOutcome) -> None:
    assert seed_fleet_fixed.clean and seed_fleet_fixed.applied
    after = seed_fleet_fixed.tree
    assert check(after, select=("P", "D001")) == []
    assert fix(after, select=("P", "D001")).diff == ""
    for service, port in PORT_MISMATCHES.items():
        text = seed_fleet_fixed.text(f"{service}/Dockerfile")
        assert f'"--port", "{port}"' in text and f"EXPOSE {port}" in text
    assert not [path for path in after if path.endswith("/app/Dockerfile")]
    compose = seed_fleet_fixed.text("docker-compose.yml")
    for port in PORT_MISMATCHES.values():  # compose is the truth by default: its ports stay
        assert f'"{port}:{port}"' in compose and f"localhost:{port}/health" in compose


def test_the_audit_findings_of_every_category_are_reported(seed_fleet: dict[str, bytes]) -> None:
    """Every finding of the seed audit, and its immediate actions, have a rule here."""
    found = check(seed_fleet)
    by_code: dict[str, set[str]] = {}
    for finding in found:
        by_code.setdefault(finding.code, set()).add(str(finding.service))
    assert by_code["P001"] == set(PORT_MISMATCHES)             # fix port mismatches
    assert by_code["D001"] == set(SERVICES)                    # remove duplicate Dockerfiles
    assert "C001" in by_code                                   # add the database service
    assert by_code["D003"] == set(SERVICES)                    # add curl to the containers
    assert by_code["S002"] == {"notification_service"}         # its structural defect
    # Every seed finding has a fix, but gateway's C003 entries wait on the healthchecks that
    # auth's and billing's D003/P001 fixes repair: until then gating would keep gateway down.
    waiting = [f for f in found if not f.fixable]
    assert {(f.code, f.service) for f in waiting} == {("C003", "gateway_service")}
    assert len(waiting) == 2


def test_after_the_full_fix_nothing_is_left(seed_fleet_fixed: FixOutcome) -> None:
    after = seed_fleet_fixed.tree
    assert check(after) == []
    assert check(after, select=("D", "I", "H", "S")) == []
    assert check(after, select="C") == []
    assert fix(after).diff == ""
    assert "notification_service/app/__init__.py" in after
    for service in SERVICES:
        assert "curl" in seed_fleet_fixed.text(f"{service}/Dockerfile")
    compose = seed_fleet_fixed.text("docker-compose.yml")
    assert "\n  db:\n" in compose and "condition: service_healthy" in compose


@pytest.mark.slow  # the whole fleet fixed on disk, then the Compose binary
def test_fix_apply_writes_what_the_run_computed_and_compose_accepts_it(
        tmp_path: Path, seed_fleet_fixed: FixOutcome) -> None:
    fleet = copy_tree(SEED_FLEET, tmp_path / "seed-fleet")
    code, out, err = run_cli("fix", "--apply", fleet)
    assert (code, out) == (1, ""), err
    assert read_folder(fleet) == seed_fleet_fixed.tree
    assert run_cli("fix", fleet)[:2] == (0, "")
    assert_compose_accepts(fleet)
