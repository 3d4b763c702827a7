"""Compose edits keep the file's formatting: every original line the fix does not mean to change
is byte-identical afterwards, and new lines follow the file's own style."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fixer.sources import compose_style
from fixer.sources.compose import parse
from fixer.sources.compose_edit import block_append_point, node_end
from fixer.core.textfile import decode
from kit import fix
from support import assert_compose_accepts, write_tree

DB = "      DATABASE_URL: postgresql://app:app@db:5432/app\n"
BOM = "\ufeff"


def kept_in_order(before: list[bytes], after: list[bytes]) -> bool:
    """`before` is a subsequence of `after`: only insertions happened."""
    remaining = iter(after)
    return all(any(line == candidate for candidate in remaining) for line in before)


def run_fix(files: dict[str, bytes], select: str) -> dict[str, bytes]:
    """The repository after `fixer fix --select SELECT`, which must fix it in one run."""
    outcome = fix(files, select=select)
    assert outcome.clean and outcome.applied, outcome
    assert fix(outcome.tree, select=select).diff == ""
    return outcome.tree


CASES = [
    pytest.param("C001", {"docker-compose.yml": (
        "# Stack for local development\n"
        "services:\n"
        "  # the API, above the insertion point\n"
        "  api:\n"
        "    image: example/api:1.0   # beside\n"
        "    environment:\n" + DB +
        "    # below the last key of api\n"
        "\n"
        "# a comment at the end of the file\n")}, {}, id="comments-around"),
    pytest.param("C001", {"docker-compose.yaml": (
        "version: \"3.9\"\n"
        "services:\n"
        "    api:\n"
        "        image: example/api:1.0\n"
        "        environment:\n"
        "        - DATABASE_URL=postgresql://app:app@db/app\n"
        "        depends_on:\n"
        "        - cache  # first\n"
        "    cache:\n"
        "        image: \"redis:7\"\n")}, {"docker-compose.yaml": {8}},
        id="four-space-unindented-sequence"),
    pytest.param("C001", {"docker-compose.yml": (
        "services:\n"
        "  api:\n"
        "    image: 'example/api:1.0'\n"
        "    environment: {DATABASE_URL: 'postgresql://app:app@db:5433/app'}\n"
        "    depends_on: ['cache', \"queue\"]\n"
        "  cache: {image: redis}\n"
        "  queue:\n"
        "    image: rabbitmq\n"
        "volumes: {}\n")}, {"docker-compose.yml": {5, 9}}, id="quotes-and-flow-style"),
    pytest.param("C001", {"docker-compose.yml": (
        "version: '3.8'\n"
        "x-env: &env\n"
        "  DATABASE_URL: postgresql://app:app@db/app\n"
        "x-svc: &svc\n"
        "  restart: always\n"
        "services:\n"
        "  api:\n"
        "    <<: *svc\n"
        "    image: example/api:1.0\n"
        "    environment:\n"
        "      <<: *env\n"
        "    command: >\n"
        "      uvicorn app.main:app\n"
        "      --port 8000\n"
        "\n"
        "  jobs:\n"
        "    image: example/jobs:1.0\n"
        "    environment: *env\n"
        "    entrypoint: |\n"
        "      run-jobs\n")}, {}, id="anchors-merge-folded-literal"),
    pytest.param("C003", {"docker-compose.yml": (BOM +
        "services:\r\n"
        "  web:\r\n"
        "    build: ./web\r\n"
        "    depends_on:\r\n"
        "      - db   # \u043f\u0435\u0440\u0432\u044b\u043c \U0001F680\r\n"
        "      - cache\r\n"
        "  db:\r\n"
        "    image: postgres:16-alpine\r\n"
        "    environment:\r\n"
        "      POSTGRES_PASSWORD: example\r\n"
        "    healthcheck:\r\n"
        "      test: [\"CMD\", \"pg_isready\"]\r\n"
        "  cache:\r\n"
        "    image: redis:7\r\n").encode(),
        "web/Dockerfile": b"FROM nginx:1.27-alpine\r\nCOPY site /usr/share/nginx/html\r\n"},
        {"docker-compose.yml": {5, 6}}, id="crlf-bom"),
    pytest.param("C001", {"docker-compose.yml": (
        "services:\r\n"
        "  api:\r\n"
        "    image: example/api:1.0\r\n"
        "    environment:\r\n"
        "      - DATABASE_URL=postgresql://app:app@db/app\r\n"
        "    restart: always")}, {"docker-compose.yml": {6}}, id="crlf-no-final-newline"),
    pytest.param("C001", {
        "docker-compose.yml": "services:\n  api:\n    image: example/api:1.0\n    ports:\n"
                              "      - \"8000:8000\"\n",
        "docker-compose.override.yml": "services:\n  api:\n    environment:\n" + DB},
        {}, id="base-and-override"),
]


@pytest.mark.parametrize(("select", "files", "changed"), CASES)
def test_original_lines_survive(select: str, files: dict[str, str | bytes],
                                changed: dict[str, set[int]]) -> None:
    before = {rel: data if isinstance(data, bytes) else data.encode() for rel, data in files.items()}
    after = run_fix(before, select)
    for rel, data in before.items():
        old = data.splitlines(keepends=True)
        new = after[rel].splitlines(keepends=True)
        kept = [line for number, line in enumerate(old, 1) if number not in changed.get(rel, set())]
        assert kept_in_order(kept, new), f"{rel}: an original line changed"
        assert after[rel].startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
        assert after[rel].endswith(b"\n") == data.endswith(b"\n")
        if b"\r\n" in data:
            assert all(line.endswith(b"\r\n") for line in new[:-1]), f"{rel}: a bare LF line"
        assert b"\t" not in after[rel]


STYLED = ("services:\n    api:\n        image: a\n        environment:\n"
          "        - DATABASE_URL=postgresql://u:p@db/x\n        healthcheck:\n"
          "            test:\n            - CMD\n            - 'true'\n")


@pytest.mark.slow  # the Compose binary, per case
@pytest.mark.parametrize(("select", "files"), [
    *[pytest.param(case.values[0], case.values[1], id=case.id) for case in CASES],
    pytest.param("C001", {"docker-compose.yml": STYLED}, id="new-lines-in-the-file-style"),
])
def test_compose_accepts_every_edited_file(tmp_path: Path, select: str,
                                           files: dict[str, str | bytes]) -> None:
    before = {rel: data if isinstance(data, bytes) else data.encode() for rel, data in files.items()}
    assert_compose_accepts(write_tree(tmp_path, run_fix(before, select)))


def test_new_lines_follow_the_file_style() -> None:
    after = run_fix({"docker-compose.yml": STYLED.encode()}, "C001")
    text = after["docker-compose.yml"].decode()
    assert "    db:\n        image: postgres:17-alpine\n        environment:\n" \
           "        - POSTGRES_USER=u\n" in text
    assert "            test:\n            - CMD\n            - pg_isready\n" in text
    assert "\nvolumes:\n    db_data:\n" in text


@pytest.mark.parametrize(("text", "style"), [
    pytest.param("services:\n  a:\n    ports:\n      - '1:1'\n    command: ['x']\n",
                 dict(unit=2, seq_offset=2, flow_quote="'"), id="two-indented-single"),
    pytest.param("services:\n    a:\n        ports:\n        - 1:1\n        command: [x]\n",
                 dict(unit=4, seq_offset=0, flow_quote=""), id="four-unindented-plain"),
    pytest.param("services:\n  a:\n    networks: [backend]\n    depends_on: [b]\n",
                 dict(flow_quote='"'), id="plain-name-lists-do-not-set-argv-quotes"),
    pytest.param("services:\n  a:\n    environment:\n      - A=1\n  b:\n    environment:\n"
                 "      - B=1\n", dict(env_list=True, blank_between=False), id="env-list"),
    pytest.param("services:\n  a:\n    image: \"x\"\n\n  b:\n    image: \"y\"\n",
                 dict(value_quote='"', blank_between=True), id="quoted-values-blank-lines"),
])
def test_style_detection(text: str, style: dict[str, object]) -> None:
    doc = parse(decode("docker-compose.yml", text.encode()))
    assert doc is not None
    detected = compose_style.detect(doc)
    assert {k: getattr(detected, k) for k in style} == style


@pytest.mark.parametrize(("text", "service", "column", "step"), [
    # zookeeper nests its keys and lists by 4, the app by 2: the app's `condition:` by 2
    pytest.param("services:\n  zk:\n      image: z\n      ports:\n          - 1:1\n"
                 "  app:\n    build:\n      context: .\n    depends_on:\n      - zk\n",
                 "app", 6, 2, id="another-services-columns-say-nothing"),
    # every mapping nests by 4, the app's lists by 2 and 4 alike: the file's 4
    pytest.param("services:\n    db:\n        environment:\n            A: 1\n"
                 "    api:\n        depends_on:\n          - db\n        ports:\n"
                 "            - 1:1\n", "api", 8, 4, id="lists-that-disagree-say-nothing"),
    # the app's one `build:` by 2 where its lists and the file's mappings nest by 4
    pytest.param("services:\n    app:\n        build:\n          context: .\n        ports:\n"
                 "            - 1:1\n    w:\n        build:\n            context: .\n",
                 "app", 8, 4, id="one-odd-mapping-says-nothing"),
    # db has nothing but lists by 2, beside a web whose `build:` nests by 6
    pytest.param("services:\n    web:\n        build:\n              context: .\n"
                 "    db:\n        ports:\n          - 1:1\n        networks:\n          - n\n",
                 "db", 8, 2, id="a-services-own-lists-where-they-agree"),
    # a list hung one column in is no step for a mapping
    pytest.param("services:\n  k:\n    environment:\n      A: 1\n  p:\n    depends_on:\n"
                 "     - k\n", "p", 4, 2, id="no-mapping-by-one"),
    # deeper than any mapping: as the nearest column above, a list's included
    pytest.param("services:\n    web:\n        depends_on:\n          - api\n    api:\n"
                 "        build: .\n", "web", 10, 2, id="deeper-follows-the-nearest-list"),
])
def test_a_service_nests_new_text_as_it_and_its_peers_do(text: str, service: str,
                                                         column: int, step: int) -> None:
    doc = parse(decode("docker-compose.yml", text.encode()))
    assert doc is not None
    style = compose_style.detect_for(doc, doc.services[service].node)
    assert style.step_at(column) == step, style


@pytest.mark.parametrize(("text", "point_after"), [
    pytest.param("s:\n  a:\n    k: v\n    # deeper comment\n\n# top comment\nt: 1\n",
                 "    # deeper comment\n", id="deeper-comment-belongs"),
    pytest.param("s:\n  a:\n    k: |\n      text\n\n  # shallow\nt: 1\n", "      text\n",
                 id="literal-trailing-blank"),
    pytest.param("s:\n  a:\n    k: [1,\n      2]  # c\nt: 1\n", "      2]  # c\n", id="flow-multiline"),
    pytest.param("x: &x {a: 1}\ns:\n  a:\n    <<: *x\n", "    <<: *x\n", id="alias-last"),
    # a line commented out by a `#` in the first column is as deep as its text was
    pytest.param("s:\n  a:\n    k:\n      - x\n#      - y\n\n# top\nt: 1\n", "#      - y\n",
                 id="commented-out-item-belongs"),
    pytest.param("s:\n  a:\n    k: v\n# top comment\nt: 1\n", "    k: v\n",
                 id="first-column-comment-does-not"),
    # past a blank line, a deeper heading of what follows does not; commented-out YAML does
    pytest.param("s:\n  k:\n    - x\n\n    # Web service\nt:\n  k: v\n", "    - x\n",
                 id="heading-after-a-gap-does-not"),
    pytest.param("s:\n  k:\n    - x\n\n    # - y\nt:\n  k: v\n", "    # - y\n",
                 id="commented-out-item-after-a-gap-belongs"),
])
def test_block_append_point(text: str, point_after: str) -> None:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert root is not None
    services = next(v for k, v in root.value if k.value == "s")
    point = block_append_point(text, services)
    assert text[:point].endswith(point_after)
    assert node_end(text, services) <= point


def test_keep_chomping_keeps_its_blank_lines() -> None:
    text = "a:\n  k: |+\n    kept\n\n  j: 1\n"
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert root is not None
    value = root.value[0][1].value[0][1]
    assert text[:node_end(text, value)] == "a:\n  k: |+\n    kept\n\n"


def test_a_key_node_is_the_first_own_scalar_key_of_that_name() -> None:
    """Found through a memo on the mapping node, as the scan it replaced found it: the first
    of a repeated key, never a key of a merged mapping, never a non-scalar key."""
    import yaml
    from fixer.sources.compose import Value, key_node
    text = ("base: &b {inherited: 1}\n"
            "m:\n  <<: *b\n  a: 1\n  ? [x]\n  : 2\n  b: 3\n  a: 4\n")
    mapping = yaml.compose(text).value[1][1]
    value = Value(mapping)
    first_a = key_node(value, "a")
    assert first_a is not None and first_a.start_mark.line == 3
    b = key_node(value, "b")
    assert b is not None and b.start_mark.line == 6
    assert key_node(value, "inherited") is None and key_node(value, "[x]") is None
    assert key_node(value, "a") is first_a   # asked again: the same node
    assert key_node(Value(yaml.compose("- a\n")), "a") is None
