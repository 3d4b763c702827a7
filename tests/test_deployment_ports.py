"""Deployment files beside compose (fixer/facts/ports/deployments.py, kubernetes.py and
the image names of facts/image/builttags.py): P001's reason names the file that keeps the
port, found through the image CI builds from the service's context; a manifest of a
well-known server is no deployment of the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixer.facts.image.builttags import built_images
from fixer.model.workspace import Workspace
from kit import check, read_folder, tree

CASES = Path(__file__).parent.parent / "golden" / "P001-port-mismatch"


@pytest.mark.parametrize(("case", "held_by"), [
    ("terraform-module-runs-the-image-ci-builds", "terraform/main.tf:4 deploys api's image "
     "with container port 8080"),
    ("manifest-runs-the-image-a-metadata-step-names", "deploy/checkout.yaml (Kubernetes) "
     "sends api traffic to port 8080"),
    ("nomad-job-holds-the-port", "deploy/api.nomad.hcl:5 deploys api's image with container "
     "port 8080"),
    ("render-blueprint-holds-the-port", "render.yaml:8 deploys api's image with container "
     "port 8080"),
])
def test_the_reason_names_the_deployment_that_keeps_the_port(case: str, held_by: str) -> None:
    found = check(read_folder(CASES / case / "before"), select="P001")
    assert [(f.service, f.reason and f.reason.split(", which")[0]) for f in found] == [
        ("api", held_by)]


def test_an_envoy_gateway_manifest_named_for_the_api_is_not_its_deployment() -> None:
    found = check(read_folder(CASES / "gateway-manifest-of-envoy-is-not-the-apps" / "before"),
                  select="P001")
    assert [(f.service, f.reason) for f in found] == [("api", None)]


def test_ci_build_steps_name_the_images_of_their_contexts() -> None:
    workflow = """jobs:
  images:
    steps:
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: ghcr.io/acme/shop-api,docker.io/acme/shop-api
      - uses: docker/build-push-action@v6
        with:
          context: ./services/api
          file: ./services/api/Dockerfile.prod
          tags: ${{ steps.meta.outputs.tags }}
      - uses: docker/build-push-action@v6
        with:
          context: .
          tags: |
            ghcr.io/acme/worker:latest
            ghcr.io/acme/worker:${{ github.sha }}
"""
    script = "build:\n\tdocker build -t localhost:5000/tools/cli:dev -f cli/Dockerfile cli\n"
    ws = Workspace.load(tree({".github/workflows/images.yml": workflow, "Makefile": script}))
    assert built_images(ws) == {
        "ghcr.io/acme/shop-api": ["services/api", "services/api/Dockerfile.prod"],
        "docker.io/acme/shop-api": ["services/api", "services/api/Dockerfile.prod"],
        "ghcr.io/acme/worker": ["", "Dockerfile"] * 2,
        "localhost:5000/tools/cli": ["cli/Dockerfile", "cli"]}
