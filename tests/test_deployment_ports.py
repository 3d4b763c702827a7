"""Deployment files beside compose (fixer/facts/ports/deployments.py, kubernetes.py and
the image names of facts/image/builttags.py): P001's reason names the file that keeps the
port, found through the image CI builds from the service's context; a manifest of a
well-known server is no deployment of the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixer.facts.image.builttags import built_images, image_path, same_image
from fixer.model.workspace import Workspace
from kit import check, read_folder, tree

CASES = Path(__file__).parent.parent / "golden" / "P001-port-mismatch"


@pytest.mark.parametrize(("case", "held_by"), [
    ("terraform-module-runs-the-image-ci-builds", "terraform/main.tf:4 deploys api's image "
     "with container port 8080"),
    ("manifest-runs-the-image-a-metadata-step-names", "deploy/checkout.yaml (Kubernetes) "
     "runs the image of api/Dockerfile on port 8080"),
    ("skaffold-builds-the-image-a-manifest-runs", "k8s/backend.yaml (Kubernetes) runs the "
     "image of api/Dockerfile on port 8000"),
    ("cloud-run-deploys-the-image-on-its-default-port", ".github/workflows/deploy.yml:16 "
     "deploys api's image with container port 8080"),
    ("a-ci-smoke-test-runs-the-image-on-the-host-network", ".github/workflows/ci.yml:9 runs "
     "`docker run` and may run api's image, on a port fixer does not read there: moving the "
     "app off 5000 may break it"),
    ("terraform-of-several-services-cited-at-this-ones-image", "infra/main.tf:10 runs an "
     "image and may run api's image, on a port fixer does not read there: moving the app off "
     "8002 may break it"),
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
        "ghcr.io/acme/shop-api": ["services/api/Dockerfile.prod"],
        "docker.io/acme/shop-api": ["services/api/Dockerfile.prod"],
        "ghcr.io/acme/worker": ["Dockerfile"] * 2,
        "localhost:5000/tools/cli": ["cli/Dockerfile"]}


def test_a_build_step_takes_the_images_of_the_metadata_step_it_names() -> None:
    step = """      - id: {id}
        uses: docker/metadata-action@v5
        with:
          images: ghcr.io/acme/{name}
      - uses: docker/build-push-action@v6
        with:
          context: ./{name}
          tags: ${{{{ steps.{id}.outputs.tags }}}}
"""
    workflow = "jobs:\n  images:\n    steps:\n" + step.format(id="meta-api", name="api") + \
        step.format(id="meta-web", name="web")
    ws = Workspace.load(tree({".github/workflows/images.yml": workflow}))
    assert built_images(ws) == {"ghcr.io/acme/api": ["api/Dockerfile"],
                                "ghcr.io/acme/web": ["web/Dockerfile"]}


@pytest.mark.parametrize(("a", "b", "same"), [
    ("orders-api", "ghcr.io/acme/orders-api", True),
    ("orders/api", "billing/api", False),
    ("acme/api", "registry.example.com:5000/acme/api", True),
    ("api", "myapi", False),
])
def test_images_are_one_when_the_shorter_path_ends_the_longer(a: str, b: str,
                                                               same: bool) -> None:
    assert same_image(a, b) is same and same_image(b, a) is same


def test_a_variable_registry_leaves_the_path_after_it() -> None:
    assert image_path("$(REGISTRY)/Orders/api:${TAG}") == "orders/api"
    assert image_path("ghcr.io/${{ github.repository }}/api@sha256:abc") == "api"


BASE = read_folder(CASES / "nomad-job-holds-the-port" / "before")
BASE = {path: data for path, data in BASE.items() if not path.startswith("deploy/")}
TFVARS_MAIN = ('module "api" {\n  source         = "./modules/service"\n'
               '  image          = "ghcr.io/acme/api:latest"\n'
               '  container_port = var.api_port\n}\n'
               'variable "api_port" {\n  type    = number\n  default = 8000\n}\n')
LOCALS_MAIN = ('locals {\n  port = 8080\n}\n'
               'resource "aws_db_instance" "db" {\n  port = 5432\n}\n'
               'resource "aws_ecs_task_definition" "api" {\n'
               '  container_definitions = jsonencode([{ name = "api",\n'
               '    portMappings = [{ containerPort = local.port }] }])\n}\n')
NOMAD_STATIC = ('job "api" {\n  group "api" {\n    network {\n      port "http" {\n'
                '        static = 8080\n      }\n    }\n  }\n}\n')
RENDER_OTHER = ("services:\n  - type: web\n    name: api\n    runtime: docker\n"
                "    dockerContext: ./api\n  - type: web\n    name: shop-web\n"
                "    runtime: node\n    envVars:\n      - key: PORT\n        value: 8080\n")


@pytest.mark.parametrize(("files", "held_by"), [
    pytest.param({"infra/main.tf": TFVARS_MAIN, "infra/terraform.tfvars": "api_port = 8080\n"},
                 "infra/main.tf:4", id="tfvars-sets-the-variable"),
    pytest.param({"infra/main.tf": TFVARS_MAIN}, None, id="variable-default-is-another-port"),
    pytest.param({"infra/main.tf": LOCALS_MAIN}, "infra/main.tf:9", id="local-of-the-locals-block"),
    pytest.param({"deploy/api.nomad": NOMAD_STATIC}, "deploy/api.nomad:4", id="nomad-static-port"),
    pytest.param({"render.yaml": RENDER_OTHER}, None, id="render-port-of-a-node-service"),
])
def test_deployment_ports_read_where_they_are_set(files: dict[str, str],
                                                  held_by: str | None) -> None:
    [found] = check({**BASE, **files}, select="P001")
    assert (found.reason or "").split(" deploys")[0] == (held_by or ""), found.reason
