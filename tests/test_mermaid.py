"""The stack diagram: what it draws, and that it is Mermaid flowchart syntax GitHub renders.

The syntax check is structural (every line one of the statement forms the diagram uses,
quoted labels, safe ids, defined endpoints). During development the same outputs were
also accepted by mermaid 11's own parser (`mermaid.parse` under jsdom); that parser is
180 MB of npm packages, too heavy to be a test dependency.
"""

from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path

import pytest

from fixer.formats.report.mermaid import MAX_SERVICES, diagram, label, stack_diagram
from fixer.core.tree import FolderSource, Tree
from fixer.model.workspace import Workspace
from kit import FixOutcome, Files, tree
from support import REPO, run_cli, write_tree

ID = r"[A-Za-z][A-Za-z0-9_]*"
LABEL = r'"[^"\n]*"'
NODE = re.compile(rf'(?P<id>{ID})(?:\[{LABEL}\]|\[\({LABEL}\)\]|\(\[{LABEL}\]\))'
                  rf'(?::::(?P<cls>{ID}))?')
EDGE = re.compile(rf"(?P<a>{ID}) (?:-->|-\.->)\|{LABEL}\| (?P<b>{ID})")
SUBGRAPH = re.compile(rf"subgraph {ID}\[{LABEL}\]")
CLASSDEF = re.compile(rf"classDef (?P<name>{ID}) [\w#:,.-]+(?: [\w#:,.-]+)*")
KEYWORDS = {"end", "graph", "flowchart", "subgraph", "style", "class", "classdef", "click",
            "linkstyle", "direction", "default"}


def assert_valid_flowchart(text: str) -> None:
    lines = text.rstrip("\n").split("\n")
    assert re.fullmatch(r"flowchart (TB|TD|LR|RL|BT)", lines[0]), lines[0]
    nodes, classes, used_classes, endpoints, depth = set(), set(), set(), set(), 0
    for line in (raw.strip() for raw in lines[1:]):
        if node := NODE.fullmatch(line):
            nodes.add(node["id"])
            if node["cls"]:
                used_classes.add(node["cls"])
        elif edge := EDGE.fullmatch(line):
            endpoints |= {edge["a"], edge["b"]}
        elif SUBGRAPH.fullmatch(line):
            depth += 1
        elif line == "end":
            depth -= 1
            assert depth >= 0, "`end` without `subgraph`"
        elif classdef := CLASSDEF.fullmatch(line):
            classes.add(classdef["name"])
        else:
            raise AssertionError(f"not a flowchart statement: {line!r}")
    assert depth == 0, "unclosed subgraph"
    assert not {n.lower() for n in nodes} & KEYWORDS, "a node id is a Mermaid keyword"
    assert endpoints <= nodes, f"edges to undefined nodes: {endpoints - nodes}"
    assert used_classes <= classes, f"undefined classes: {used_classes - classes}"
    for quoted in re.findall(LABEL, text):
        assert not re.search(r"[<>]", quoted.replace("<br/>", "")), quoted


def diagram_of(files: Files) -> str:
    return stack_diagram(Workspace.load(tree(files)))


def test_the_checker_rejects_what_mermaid_rejects() -> None:
    assert_valid_flowchart('flowchart TB\n  a["x"]\n  b["y"]\n  a -->|"p"| b\n')
    for bad in ('flowchart TB\n  a[x y]\n', 'flowchart TB\n  a["x"y"]\n',
                'flowchart TB\n  end["x"]\n', 'flowchart TB\n  a["x"]\n  a --> b\n',
                'flowchart TB\n  subgraph s["x"]\n', 'flowchart TB\n  a["<b>x</b>"]\n'):
        try:
            assert_valid_flowchart(bad)
        except AssertionError:
            continue
        raise AssertionError(f"accepted {bad!r}")


def test_seed_fleet_services_ports_dependencies_and_the_missing_database(
        seed_fleet: dict[str, bytes]) -> None:
    text = diagram_of(seed_fleet)
    assert_valid_flowchart(text)
    for service, published in [("gateway_service", "8080:8080"), ("auth_service", "8001:8001"),
                               ("usage_service", "8004:8000"),
                               ("notification_service", "8005:8000")]:
        assert f'  svc_{service}["{service}<br/>listens on 8000"]\n' in text
        assert f'  host -->|"{published}"| svc_{service}\n' in text
    assert '  svc_gateway_service -.->|"depends_on"| svc_auth_service\n' in text
    assert '  db_db[("db<br/>PostgreSQL<br/>missing: no service")]:::missing\n' in text
    users = re.findall(r'svc_(\w+) -->\|"DATABASE_URL"\| db_db', text)
    assert sorted(users) == ["auth_service", "billing_service", "invoice_service",
                             "usage_service"]


def test_after_the_fixes_the_database_is_a_service_everyone_waits_for(
        seed_fleet_fixed: FixOutcome) -> None:
    text = diagram_of(seed_fleet_fixed.tree)
    assert_valid_flowchart(text)
    assert ":::missing" not in text
    assert '  svc_db[("db<br/>image postgres:17-alpine")]:::database\n' in text
    assert '  svc_auth_service -.->|"depends_on (healthy)"| svc_db\n' in text
    assert '  svc_gateway_service["gateway_service<br/>listens on 8080"]\n' in text


def test_odd_names_get_safe_distinct_ids_and_escaped_labels() -> None:
    compose = (
        "services:\n"
        "  end:\n    image: nginx\n    depends_on: [my-svc, ghost]\n"
        "  my-svc:\n    image: 'ex\"ample'\n    ports:\n      - \"${WEB_PORT:-8080}:8000\"\n"
        "      - target: 8000\n        published: 9000\n    expose: ['7000']\n"
        "    environment:\n      DATABASE_URL: postgresql://u:p@store:5432/d\n"
        "      OTHER_URL: postgresql://u:p@db.example.com/d\n"
        "      LOCAL_URL: postgresql://u:p@localhost/d\n"
        "  my_svc:\n    build: ./nothing-here\n"
        "  store:\n    image: postgres:16\n")
    text = diagram_of({"compose.yaml": compose})
    assert_valid_flowchart(text)
    assert '  svc_end["end<br/>image nginx"]\n' in text
    assert '  svc_my_svc["my-svc<br/>image ex#quot;ample<br/>expose 7000"]\n' in text
    assert '  svc_my_svc_2["my_svc<br/>no Dockerfile"]\n' in text
    assert '  host -->|"${WEB_PORT:-8080}:8000"| svc_my_svc\n' in text
    assert '  host -->|"9000:8000"| svc_my_svc\n' in text
    assert '  svc_store[("store<br/>image postgres:16")]:::database\n' in text
    assert '  svc_my_svc -->|"DATABASE_URL"| svc_store\n' in text
    assert ('  db_db_example_com[("db.example.com<br/>PostgreSQL<br/>outside the stack")]'
            ":::database\n") in text
    assert "LOCAL_URL" not in text  # the container's own loopback: no database to draw
    assert '  svc_ghost["ghost<br/>not defined"]:::missing\n' in text
    assert '  svc_end -.->|"depends_on"| svc_ghost\n' in text


def test_each_stack_is_a_subgraph() -> None:
    text = diagram_of({"one/compose.yaml": "services:\n  api:\n    image: a\n",
                       "two/compose.yaml": "services:\n  api:\n    image: b\n"})
    assert_valid_flowchart(text)
    assert '  subgraph stack_1["one/compose.yaml"]\n    svc_api["api<br/>image a"]\n' in text
    assert '  subgraph stack_2["two/compose.yaml"]\n    svc_api_2["api<br/>image b"]\n' in text


def test_a_service_an_include_brings_in_is_drawn_where_its_file_is_and_linked() -> None:
    """`include: [compose.deps.yaml]` brings `db` into the project: the app's `depends_on`
    and its DATABASE_URL point at that file's node, drawn after the subgraphs (Mermaid puts a
    node in the first subgraph that names it), and nothing says `db` is not defined."""
    text = diagram_of({
        "compose.yaml": ("services:\n  api:\n    image: a\n    environment:\n"
                         "      DATABASE_URL: postgresql://u:p@db:5432/d\n    depends_on: [db]\n"
                         "include:\n  - compose.deps.yaml\n"),
        "compose.deps.yaml": "services:\n  db:\n    image: postgres:17-alpine\n"})
    assert_valid_flowchart(text)
    assert "not defined" not in text and "outside the stack" not in text, text
    tail = text.split("  end\n")[-1]
    assert '  svc_api -.->|"depends_on"| svc_db\n' in tail, text
    assert '  svc_api -->|"DATABASE_URL"| svc_db\n' in tail, text


def test_label_quotes_and_escapes() -> None:
    assert label("a", 'say "hi" <b>') == '"a<br/>say #quot;hi#quot; #lt;b#gt;"'


# -- large repositories: one node per stack ----------------------------------------------------

def bench_generate(root: Path, count: int) -> Path:
    """The repository's own benchmark generator: seed-fleet-shaped services, defects included
    (a missing `db` that every service's DATABASE_URL names)."""
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(root, count)
    return root


def edges(text: str) -> list[str]:
    return [line for line in text.splitlines() if EDGE.fullmatch(line.strip())]


@pytest.mark.slow
def test_a_thousand_services_collapse_to_one_node_per_stack(tmp_path: Path) -> None:
    root = bench_generate(tmp_path / "monorepo", 1000)
    started = time.process_time()   # CPU: a guard against a quadratic layout, not a target
    drawn = diagram(Workspace.load(Tree(FolderSource(root))))
    assert time.process_time() - started < 10
    assert_valid_flowchart(drawn.text)
    assert drawn.note == ("The stack has 1000 services, more than the 100 a readable diagram "
                          "holds: the diagram shows one node per stack, with counts.")
    nodes = [m["id"] for m in (NODE.fullmatch(line.strip()) for line in drawn.text.splitlines())
             if m]
    assert sorted(nodes) == ["db_db", "host", "stack_docker_compose_yml"]
    assert ('  stack_docker_compose_yml["docker-compose.yml<br/>1000 services: 1000 built, 0 from '
            'images<br/>0 depends_on (0 healthy)<br/>1000 database URLs<br/>one node per stack"]'
            ) in drawn.text
    assert edges(drawn.text) == [
        '  host -->|"1000 published ports"| stack_docker_compose_yml',
        '  stack_docker_compose_yml -->|"1000 services"| db_db']
    assert '  db_db[("db<br/>PostgreSQL<br/>missing: no service")]:::missing' in drawn.text


def chain(count: int, fanout: int) -> str:
    """`count` image services, each depending on the `fanout` before it."""
    lines = ["services:"]
    for i in range(count):
        lines += [f"  s{i}:", "    image: busybox"]
        before = [f"s{j}" for j in range(max(0, i - fanout), i)]
        if before:
            lines.append(f"    depends_on: [{', '.join(before)}]")
    return "\n".join(lines) + "\n"


def test_near_the_edge_limit_the_diagram_collapses_too() -> None:
    # 60 services, 504 - 45 = 495 edges
    drawn = diagram(Workspace.load(tree({"compose.yaml": chain(60, 9)})))
    assert 60 <= MAX_SERVICES
    assert drawn.note is not None and "495 edges, near the 500 GitHub renders" in drawn.note
    assert_valid_flowchart(drawn.text)
    assert "495 depends_on (0 healthy)" in drawn.text
    small = diagram(Workspace.load(tree({"compose.yaml": chain(60, 3)})))
    assert small.note is None and len(edges(small.text)) == 60 * 3 - 6


def test_each_stack_keeps_its_node_and_the_report_says_why(tmp_path: Path) -> None:
    write_tree(tmp_path, {f"{name}/compose.yaml": chain(40, 1)
                          for name in ("billing", "catalog", "search")})
    code, out, err = run_cli("report", tmp_path, "--select", "C002")
    assert code == 0, err
    section = out[out.index("## Stack Diagram"):out.index("## Critical Issues Found")]
    assert ("The stack has 120 services, more than the 100 a readable diagram holds: the "
            "diagram shows one node per stack, with counts.\n") in section
    text = section[section.index("```mermaid\n") + 11:section.rindex("```")]
    assert_valid_flowchart(text)
    for name in ("billing", "catalog", "search"):
        assert (f'  stack_{name}_compose_yaml["{name}/compose.yaml<br/>40 services: 0 built, 40 '
                'from images<br/>39 depends_on (0 healthy)<br/>0 database URLs<br/>one node per '
                'stack"]\n') in text


def test_what_an_override_file_repeats_is_drawn_once() -> None:
    """`docker-compose.override.yml` repeats the base's port, expose entry and `depends_on`:
    Compose merges them into one each, and so does the diagram."""
    service = ("  api:\n    image: a\n    ports:\n      - \"8000:8000\"\n    expose:\n"
               "      - \"9000\"\n    depends_on:\n      - db\n  db:\n    image: postgres:16\n")
    text = diagram_of({"docker-compose.yml": "services:\n" + service,
                       "docker-compose.override.yml": "services:\n" + service})
    assert_valid_flowchart(text)
    assert text.count('host -->|"8000:8000"| svc_api') == 1, text
    assert text.count('svc_api -.->|"depends_on"| svc_db') == 1, text
    assert "expose 9000<br/>" in text or 'expose 9000"' in text, text
    assert "9000, 9000" not in text, text


def test_a_built_service_whose_server_fixer_does_not_read_shows_its_expose() -> None:
    """An nginx frontend: fixer reads no port of it, and says what the image declares."""
    text = diagram_of({"compose.yaml": "services:\n  web:\n    build: ./web\n"
                                       "    ports: [\"3000:80\"]\n",
                       "web/Dockerfile": "FROM nginx:alpine\nEXPOSE 80\n"
                                         "CMD [\"nginx\", \"-g\", \"daemon off;\"]\n"})
    assert_valid_flowchart(text)
    assert 'svc_web["web<br/>listen port not read (EXPOSE 80)"]' in text, text
