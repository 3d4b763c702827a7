"""Kubernetes manifests beside compose (fixer/facts/ports/kubernetes.py): the container ports
they name for a compose service, which make P001 unsafe when it would move the app off one."""

from __future__ import annotations

from fixer.facts.ports.kubernetes import ports_for
from fixer.model.workspace import Workspace
from kit import app_service, check, run_check, tree

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  template:
    spec:
      containers:
        - name: main
          image: registry.example.com/{name}:1
          ports:
            - containerPort: {port}
          env:
            - name: DATABASE_URL
              value: postgresql://db/app
"""


def manifests(files: dict[str, str | bytes]) -> Workspace:
    return Workspace.load(tree(files))


def test_a_manifest_belongs_to_the_longest_service_name_it_begins_with() -> None:
    ws = manifests({"k8s/gw.yaml": DEPLOYMENT.format(name="api-gateway-deploy", port=9000),
                    "k8s/api.yml": DEPLOYMENT.format(name="api", port=8000)})
    assert [m.port for m in ports_for(ws, "api", ["api-gateway", "database"])] == [8000]
    assert [m.port for m in ports_for(ws, "api-gateway", ["api", "database"])] == [9000]
    # an environment variable's name is not the manifest's: DATABASE_URL is no `database`
    assert ports_for(ws, "database", ["api", "api-gateway"]) == []


def test_a_manifest_with_the_projects_prefix_or_the_image_is_the_services() -> None:
    ws = manifests({"k8s/web.yaml": DEPLOYMENT.format(name="fastapi-web", port=8000),
                    "k8s/other.yaml": DEPLOYMENT.format(name="shop-backend", port=9000)})
    assert [m.port for m in ports_for(ws, "web", ["worker"])] == [8000]
    # the compose service runs the manifest's image under another name
    assert [m.port for m in ports_for(ws, "api", ["web"], ["shop-backend"])
            ] == [9000]
    assert ports_for(ws, "api", ["web"]) == []


def test_p001_is_unsafe_beside_a_chart_named_for_the_project_when_one_app_is_built() -> None:
    files = app_service(port=8002, compose_port="8001:8001", healthcheck=None)
    files["charts/shop/Chart.yaml"] = "apiVersion: v2\nname: shop\nversion: 0.1.0\n"
    files["charts/shop/values.yaml"] = "service:\n  targetPort: 8002\n"
    [finding] = check(files, select="P001")
    assert finding.safety.value == "unsafe" and "charts/shop/values.yaml:2" in (
        finding.reason or "")


def test_what_is_not_a_manifest_is_left_alone() -> None:
    ws = manifests({"chart/templates/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n"
                                                "  name: {{ .Release.Name }}\n",
                    "config.yaml": "name: api\nport: 8000\n",
                    "compose.override.yaml": "services: {}\n"})
    assert ports_for(ws, "api", []) == []


def test_p001_moves_the_app_safely_when_the_manifests_name_the_compose_port() -> None:
    files = app_service(port=8002, compose_port="8001:8001", healthcheck=None)
    files["k8s/api.yaml"] = DEPLOYMENT.format(name="api", port=8001)   # already the new one
    assert [(f.code, f.safety.value) for f in check(files, select="P001")] == [("P001", "safe")]
    files["k8s/api.yaml"] = DEPLOYMENT.format(name="api", port=8002)
    found = check(files, select="P001")
    assert [(f.code, f.safety.value) for f in found] == [("P001", "unsafe")]
    assert "k8s/api.yaml (Kubernetes) runs the image of api/Dockerfile on port 8002" in (
        found[0].reason or "")


def test_a_yaml_file_fixer_cannot_read_is_no_manifest_and_no_error() -> None:
    files: dict[str, str | bytes] = dict(app_service(port=8002, compose_port="8001:8001",
                                                    healthcheck=None))
    files["secrets.enc.yaml"] = b"\x00\xffapiVersion kind \xfe"   # encrypted by git-crypt
    outcome = run_check(files, select="P001")
    assert outcome.errors == [] and [f.safety.value for f in outcome.findings] == ["safe"]


def test_aliases_are_walked_once() -> None:
    # nested aliases make a graph of 2**40 paths; each mapping is read once
    lines = ["apiVersion: v1", "kind: Pod", "metadata: {name: api}", "a0: &a0 {containerPort: 8000}"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 41)]
    ws = manifests({"k8s/pod.yaml": "\n".join(lines) + "\n"})
    assert [m.port for m in ports_for(ws, "api", [])] == [8000]
