"""Input Compose or BuildKit refuses is an input error at its real line, never read as if
it were something else: exit 2, nothing written, the other stacks still checked.

Every compose file refused here is refused by the real Compose binary too, and every one
accepted here Compose accepts, so fixer never refuses what Compose loads.
"""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

import kit
from fixer.core.textfile import TextFile
from fixer.sources import compose_keys
from fixer.sources.compose import get, mapping_or_list
from fixer.sources.compose import parse as parse_compose
from support import compose_binary, compose_config, git, init_repo, run_cli, write_tree

# A good stack at the root with a fixable finding (D002: shell-form CMD), and a second
# stack in bad/ whose compose file each case replaces.
GOOD = kit.app_service(cmd_form="shell")
BAD_SERVICE = {f"bad/{path}": text for path, text in kit.app_service().items()
               if path != "compose.yaml"}


def _compose(body: str) -> str:
    return "services:\n  api:\n    build: ./api\n" + textwrap.indent(textwrap.dedent(body), "    ")


def _repo(root: Path, compose: str, files: dict[str, str] | None = None) -> Path:
    return write_tree(root, {**GOOD, **BAD_SERVICE, "bad/compose.yaml": compose, **(files or {})})


REFUSED = [
    pytest.param(_compose("""\
        ports:
          - "8000:8000"
        ports:
          - "9000:8000"
        """), 6, "duplicate key `ports` (first at line 4)", id="duplicate-ports"),
    pytest.param(_compose("""\
        environment:
          1: a
          "1": b
        """), 6, "duplicate key `1` (first at line 5)", id="duplicate-key-as-text"),
    pytest.param("x-a: &a\n  image: x\nx-b: &b\n  image: y\nservices:\n  api:\n    <<: *a\n"
                 "    <<: *b\n", 8, "duplicate key `<<`", id="duplicate-merge-key"),
    pytest.param("x-top: 1\nservices:\n  api:\n    build: ./api\nx-top: 2\n", 5,
                 "duplicate key `x-top` (first at line 1)", id="duplicate-top-level"),
    pytest.param("services:\n  ? [a, b]\n  : build: ./api\n", 2,
                 "a key that is a list or a mapping: Compose refuses the file",
                 id="service-name-a-list"),
    pytest.param(_compose("environment:\n  ? {A: 1}\n  : x\n"), 5,
                 "a key that is a list or a mapping", id="environment-key-a-mapping"),
    pytest.param("services:\n", 1, "`services` must be a mapping", id="services-empty"),
    pytest.param("servics:\n  api:\n    build: ./api\n", 1,
                 "`servics` is no top-level key of a compose file", id="top-level-typo"),
    pytest.param("services:\n  1:\n    build: ./api\n", 2, "service name `1` is not a string",
                 id="service-name-a-number"),
    pytest.param(_compose('ports:\n  - "9000:8000:1"\n'), 5,
                 "services.api.ports[0]: `9000` of `9000:8000:1` is no IP address",
                 id="port-host-ip-not-an-address"),
    pytest.param("services:\n  api: 42\n", 2, "services.api must be a mapping",
                 id="service-not-mapping"),
    pytest.param("services:\n  db:\n    image: postgres\n  api:\n", 4,
                 "services.api must be a mapping", id="service-null"),
    pytest.param("services:\n  api:\n    build: [a, b]\n", 3,
                 "services.api.build must be a string or a mapping", id="build-list"),
    pytest.param(_compose("build:\n  context: [a]\n").replace("    build: ./api\n", "", 1), 4,
                 "services.api.build.context must be a string", id="build-context-list"),
    pytest.param(_compose("healthcheck: yes\n"), 4, "services.api.healthcheck must be a mapping",
                 id="healthcheck-yes"),
    pytest.param(_compose("healthcheck:\n  test: {a: 1}\n"), 5,
                 "services.api.healthcheck.test must be a string or a list",
                 id="healthcheck-test-mapping"),
    pytest.param(_compose('ports: "8000:8000"\n'), 4, "services.api.ports must be a list",
                 id="ports-string"),
    pytest.param(_compose("ports:\n  - [8000]\n"), 5, "services.api.ports[0] must be",
                 id="ports-item-list"),
    pytest.param(_compose("expose: 8000\n"), 4, "services.api.expose must be a list",
                 id="expose-number"),
    pytest.param(_compose("depends_on: db\n") + "  db:\n    image: postgres\n", 4,
                 "services.api.depends_on must be a list or a mapping", id="depends-on-string"),
    pytest.param(_compose("depends_on:\n  db: 1\n") + "  db:\n    image: postgres\n", 5,
                 "services.api.depends_on.db must be a mapping", id="depends-on-entry"),
    pytest.param(_compose("environment: PORT=8000\n"), 4,
                 "services.api.environment must be a mapping or a list", id="environment-string"),
    pytest.param(_compose("environment:\n  PORT: [8000]\n"), 5,
                 "services.api.environment.PORT must be", id="environment-value-list"),
    pytest.param(_compose("command: {port: 8000}\n"), 4,
                 "services.api.command must be a string or a list", id="command-mapping"),
    pytest.param(_compose("command: [uvicorn, [x]]\n"), 4, "services.api.command[1] must be",
                 id="command-nested"),
    pytest.param("x-a: &a\n  ports: \"8000\"\nservices:\n  api:\n    <<: *a\n    build: ./api\n",
                 2, "services.api.ports must be a list", id="through-merge-key"),
    # Scalars Compose's YAML 1.2 reads as another type than the schema wants
    pytest.param(_compose('command: ["uvicorn", "app.main:app", "--port", 8000]\n'), 4,
                 "services.api.command[3] must be a string, not a number (8000)",
                 id="command-int-element"),
    pytest.param(_compose("command: [uvicorn, true, app.main:app]\n"), 4,
                 "services.api.command[1] must be a string, not a boolean", id="command-bool"),
    pytest.param(_compose("command: [uvicorn, ~]\n"), 4,
                 "services.api.command[1] must be a string, not null", id="command-null-element"),
    pytest.param(_compose("command: 8000\n"), 4,
                 "services.api.command must be a string or a list of strings, not a number",
                 id="command-int"),
    pytest.param(_compose("entrypoint: [sh, 010]\n"), 4,
                 "services.api.entrypoint[1] must be a string, not a number (010)",
                 id="entrypoint-octal"),
    pytest.param(_compose("healthcheck:\n  test: [CMD, curl, 42]\n"), 5,
                 "services.api.healthcheck.test[2] must be a string, not a number (42)",
                 id="healthcheck-test-int"),
    pytest.param(_compose("healthcheck:\n  test: true\n"), 5,
                 "services.api.healthcheck.test must be a string or a list of strings, "
                 "not a boolean", id="healthcheck-test-bool"),
    pytest.param(_compose("ports:\n  - true\n"), 5,
                 "services.api.ports[0] must be a number, a string or a mapping, not a boolean",
                 id="ports-bool"),
    pytest.param(_compose("ports:\n  - 1.5\n"), 5, "services.api.ports[0] must be",
                 id="ports-float"),
    pytest.param(_compose("ports:\n  - target: 1.5\n"), 5,
                 "services.api.ports[0]: `target: 1.5` is no port number", id="ports-target"),
    pytest.param(_compose("expose:\n  - true\n"), 5, "services.api.expose[0] must be",
                 id="expose-bool"),
    pytest.param(_compose("environment:\n  - 8000\n"), 5,
                 "services.api.environment[0] must be a string, not a number", id="env-list-int"),
    pytest.param(_compose("environment:\n  SINCE: 2001-12-14\n"), 5,
                 "services.api.environment.SINCE must be a string, a number, a boolean or null, "
                 "not a date", id="env-date"),
    pytest.param(_compose("depends_on: [1]\n") + '  "1":\n    image: postgres\n', 4,
                 "services.api.depends_on[0] must be a string", id="depends-on-int"),
    pytest.param(_compose("depends_on:\n  db:\n    condition: 1\n")
                 + "  db:\n    image: postgres\n", 6,
                 "services.api.depends_on.db.condition must be `service_started`, "
                 "`service_healthy` or `service_completed_successfully`, not a number (1)",
                 id="condition-int"),
    pytest.param(_compose("depends_on:\n  db:\n    condition: service_ready\n")
                 + "  db:\n    image: postgres\n", 6,
                 "services.api.depends_on.db.condition must be `service_started`",
                 id="condition-unknown"),
    # keys Compose's schema does not have: the key a rule reads would be missing
    pytest.param(_compose("enviroment:\n  LOG_LEVEL: info\n"), 4,
                 "services.api: `enviroment` is no key of a service (did you mean "
                 "`environment`?): Compose refuses the file", id="service-key-typo"),
    pytest.param(_compose('Ports:\n  - "8000:8000"\n'), 4,
                 "services.api: `Ports` is no key of a service (did you mean `ports`?)",
                 id="service-key-case"),
    pytest.param(_compose("build:\n  context: ./api\n  dockerfil: Dockerfile\n")
                 .replace("    build: ./api\n", "", 1), 5,
                 "services.api.build: `dockerfil` is no key of `build` (did you mean "
                 "`dockerfile`?)", id="build-key-typo"),
    pytest.param(_compose("healthcheck:\n  test: [CMD, 'true']\n  intervall: 5s\n"), 6,
                 "services.api.healthcheck: `intervall` is no key of `healthcheck`",
                 id="healthcheck-key-typo"),
    pytest.param(_compose("depends_on:\n  db:\n    condition: service_started\n"
                          "    requried: false\n") + "  db:\n    image: postgres\n", 7,
                 "services.api.depends_on.db: `requried` is no key of a `depends_on` entry",
                 id="depends-on-key-typo"),
    pytest.param(_compose("ports:\n  - target: 8000\n    publised: 8080\n"), 6,
                 "services.api.ports[0]: `publised` is no key of a port", id="port-key-typo"),
    # ports Compose refuses, which P001 would move the app to
    pytest.param(_compose('ports:\n  - "8080:80001"\n'), 5,
                 "services.api.ports[0]: `80001` of `8080:80001` is no container port (1-65535)",
                 id="port-out-of-range"),
    pytest.param(_compose('ports:\n  - "8080:0"\n'), 5,
                 "services.api.ports[0]: `0` of `8080:0` is no container port", id="port-zero"),
    pytest.param(_compose('ports:\n  - "8080:abc"\n'), 5,
                 "services.api.ports[0]: `abc` of `8080:abc` is no container port",
                 id="port-word"),
    pytest.param(_compose('ports:\n  - "70000:8000"\n'), 5,
                 "services.api.ports[0]: `70000` of `70000:8000` is no host port (0-65535)",
                 id="host-port-out-of-range"),
    pytest.param(_compose('ports:\n  - "8000:8000/xyz"\n'), 5,
                 "services.api.ports[0]: `xyz` of `8000:8000/xyz` is no protocol",
                 id="port-protocol"),
    pytest.param(_compose('ports:\n  - "8080-8082:8001-8002"\n'), 5,
                 "services.api.ports[0]: the ranges of `8080-8082:8001-8002` differ in length",
                 id="port-ranges-differ"),
    pytest.param(_compose('ports:\n  - "8000:8000-8005"\n'), 5,
                 "services.api.ports[0]: the ranges of `8000:8000-8005` differ in length",
                 id="port-range-on-one-host-port"),
    pytest.param(_compose('ports:\n  - "80/tcp/udp"\n'), 5,
                 "services.api.ports[0]: `80/tcp/udp` names more than one protocol",
                 id="port-two-protocols"),
    pytest.param(_compose("stop_grace_period: 10\n"), 4,
                 "services.api.stop_grace_period must be a duration", id="grace-period-number"),
    pytest.param(_compose("environment:\n  A: ${V:+${B:x}}\n"), 5,
                 "invalid interpolation: in `${B:x}` the name is followed by neither",
                 id="interpolation-inside-an-alternative"),
    pytest.param(_compose("ports:\n  - published: 8080\n"), 5,
                 "services.api.ports[0]: a long entry with no `target`", id="port-no-target"),
    pytest.param(_compose("ports:\n  - target: abc\n"), 5,
                 "services.api.ports[0]: `target: abc` is no number", id="port-target-word"),
    pytest.param(_compose("ports:\n  - target: ' 80'\n"), 5,
                 "services.api.ports[0]: `target:  80` is no number", id="port-target-space"),
    pytest.param(_compose("ports:\n  - target: -80\n"), 5,
                 "services.api.ports[0]: `target: -80` is no port number",
                 id="port-target-negative"),
    # values of other keys whose kind or text Compose refuses
    pytest.param("x-a: &a\n  image: x\nservices:\n  api:\n    <<: 5\n    build: ./api\n", 5,
                 "a merge key (`<<`) takes a mapping or a list of mappings", id="merge-int"),
    pytest.param("x-a: &a\n  image: x\nservices:\n  api:\n    <<: [*a, 5]\n"
                 "    build: ./api\n", 5, "a merge key (`<<`) takes a mapping",
                 id="merge-list-of-a-number"),
    pytest.param(_compose("restart: 5\n"), 4, "services.api.restart must be a string, not a "
                 "number (5)", id="restart-int"),
    pytest.param(_compose("image: 5\n"), 4, "services.api.image must be a string",
                 id="image-int"),
    pytest.param(_compose("labels: 5\n"), 4, "services.api.labels must be a mapping or a list",
                 id="labels-int"),
    pytest.param(_compose("profiles: dev\n"), 4, "services.api.profiles must be a list of "
                 "strings, not a string (dev)", id="profiles-string"),
    pytest.param(_compose("healthcheck:\n  test: [CMD, 'true']\n  interval: 5x\n"), 6,
                 "services.api.healthcheck.interval must be a duration (`30s`, `1m30s`), not "
                 "`5x`", id="interval-word"),
    pytest.param(_compose("healthcheck:\n  test: [CMD, 'true']\n  interval: 10\n"), 6,
                 "services.api.healthcheck.interval must be a duration (`30s`, `1m30s`), not a "
                 "number (10)", id="interval-number"),
    pytest.param(_compose("healthcheck:\n  test: [CMD, 'true']\n  retries: three\n"), 6,
                 "services.api.healthcheck.retries must be a number, not `three`",
                 id="retries-word"),
    pytest.param("version: 3.8\n" + _compose(""), 1, "version must be a string, not a number "
                 "(3.8)", id="version-number"),
    pytest.param(_compose("") + "volumes:\n", 4, "volumes must be a mapping, not null",
                 id="top-level-volumes-null"),
    pytest.param(_compose("") + "networks:\n  - backend\n", 5, "networks must be a mapping",
                 id="top-level-networks-list"),
    # settings Compose refuses together, past its schema
    pytest.param(_compose("build:\n  context: ./api\n  dockerfile: Dockerfile\n"
                          "  dockerfile_inline: FROM python:3.12\n")
                 .replace("    build: ./api\n", "", 1), 6,
                 "services.api: `dockerfile` and `dockerfile_inline` exclude each other",
                 id="dockerfile-and-inline"),
    pytest.param(_compose("build:\n  context: 8000\n").replace("    build: ./api\n", "", 1), 4,
                 "services.api.build.context must be a string, not a number",
                 id="build-context-int"),
    pytest.param(_compose("env_file: 1\n"), 4, "services.api.env_file must be a string or a list",
                 id="env-file-int"),
    pytest.param("x-a: &a [1, *a]\n" + _compose(""), 1,
                 "an alias refers to a node it is part of", id="alias-cycle"),
    # a name and a misspelt `services`: a compose file, not data that has a `name`
    pytest.param("name: shop\nservics:\n  api:\n    build: ./api\n", 2,
                 "`servics` is no top-level key of a compose file", id="typo-beside-a-name"),
]


@pytest.mark.slow  # the Compose binary, twice a case
@pytest.mark.parametrize(("compose", "line", "message"), REFUSED)
def test_compose_refuses_what_fixer_refuses(tmp_path: Path, compose: str, line: int,
                                            message: str) -> None:
    root = _repo(tmp_path, compose)
    assert compose_config(root, ["bad/compose.yaml"]).returncode != 0
    assert compose_config(root, ["compose.yaml"]).returncode == 0


@pytest.mark.parametrize(("compose", "line", "message"), REFUSED)
def test_refused_input_is_an_error_at_its_line(tmp_path: Path, compose: str, line: int,
                                               message: str) -> None:
    root = _repo(tmp_path, compose)
    code, out, err = run_cli("check", root)
    assert code == 2
    errors = [e for e in err.splitlines() if e.startswith(f"{root}/bad/compose.yaml:")]
    assert len(errors) == 1 and errors[0].startswith(f"{root}/bad/compose.yaml:{line}: {message}")
    assert f"{root}/api/Dockerfile:7:1: D002" in out      # the other stack is still checked


@pytest.mark.parametrize(("compose", "line", "message"), REFUSED[:3] + REFUSED[4:7])
def test_refused_input_blocks_apply(tmp_path: Path, compose: str, line: int,
                                    message: str) -> None:
    root = _repo(tmp_path, compose)
    before = kit.read_folder(root)
    code, _out, err = run_cli("fix", "--apply", root)
    assert code == 2
    assert f"bad/compose.yaml:{line}: {message}" in err
    assert kit.read_folder(root) == before


ACCEPTED = [
    pytest.param(_compose("command: ~\nentrypoint: ~\n"), id="command-null"),
    pytest.param(_compose("healthcheck: !reset null\nports: !reset []\n"), id="reset-tags"),
    pytest.param(_compose("environment:\n  EMPTY:\n  N: 1\n  B: true\n"), id="environment-null"),
    pytest.param(_compose("environment:\n  - PORT=8000\nexpose:\n  - 8000\n  - '9000'\n"),
                 id="environment-list"),
    pytest.param(_compose("ports:\n  - 8000\n  - '8001:8000'\n  - target: 8000\n"
                          "    published: 8002\n"), id="ports-forms"),
    pytest.param(_compose("env_file:\n  - path: ./missing.env\n    required: false\n"),
                 id="env-file-long"),
    pytest.param(_compose("depends_on:\n  db:\n    condition: service_healthy\n")
                 + "  db:\n    image: postgres\n    healthcheck:\n      test: pg_isready\n",
                 id="depends-on-long"),
    pytest.param(_compose("depends_on: [db]\nhealthcheck:\n  disable: true\n")
                 + "  db:\n    image: postgres\n", id="depends-on-short"),
    pytest.param("x-a: &a\n  image: x\n  ports: [\"8000:8000\"]\nservices:\n  api:\n    <<: *a\n"
                 "    build: ./api\n    image: y\n  other:\n    <<: *a\n", id="merge-key-override"),
    pytest.param(_compose("command: [uvicorn, app.main:app, --port, '8000']\n"),
                 id="command-list"),
    # strings to YAML 1.2 that YAML 1.1 reads as booleans, numbers or other tags
    pytest.param(_compose("command: [uvicorn, yes, on, 12:30, 8001:8000, =, 1e999, !!str 8000]\n"
                          "healthcheck:\n  test: [CMD, curl, '42', !!str 43]\n"),
                 id="yaml-1.2-strings"),
    pytest.param(_compose("ports:\n  - 8000\n  - 0x1F41\n  - target: 8002\n    published: 9002\n"
                          "expose:\n  - 8000\n  - 010\n"), id="ports-numbers"),
    pytest.param(_compose("x-notes: any\nrestart: on-failure:3\nimage: api:1\nlabels: [a=b]\n"
                          "profiles: [dev]\nbuild:\n  context: ./api\n  x-cache: on\n"
                          "healthcheck:\n  test: [CMD, 'true']\n  interval: 1m30s\n"
                          "  timeout: 500ms\n  start_period: '0'\n  start_interval: ${S:-1s}\n"
                          "  retries: '3'\n  x-why: slow\n")
                 .replace("    build: ./api\n", "", 1), id="schema-keys-and-values"),
    pytest.param(_compose('ports:\n  - "0:8000"\n  - "8001-8003:8000"\n  - 8000/TCP\n'
                          '  - "127.0.0.1::8000"\n  - "[::1]:8080:8000"\n'
                          '  - "8080-8081:8001-8002"\n  - 8000/udp\n  - "${P:-8000}:8000"\n'),
                 id="port-forms-compose-takes"),
    pytest.param(_compose("healthcheck:\n  test: [CMD, 'true']\n  interval: +5s\n  timeout: -1s\n"
                          "  retries: 3.0\nports:\n  - ':8080:80'\n  - '80:80/'\n"
                          "  - target: 80.0\n  - target: '81'\nexpose: !reset ['${BAD']\n"),
                 id="spellings-compose-reads"),
    pytest.param(_compose("healthcheck:\n  test: [CMD, 'true']\n  retries: +3\n"
                          "ports:\n  - target: '+8000'\nnetworks: []\nnetwork_mode: bridge\n"),
                 id="retries-and-target-signed"),
    pytest.param(_compose("container_name: web-1\nprofiles: [dev]\n") + "  db:\n"
                 "    image: postgres\n    container_name: web-1\n    profiles: [prod]\n",
                 id="one-container-name-in-two-profiles"),
    pytest.param('version: "3.8"\nx-a: &a\n  image: x\nx-b: &b\n  restart: always\n'
                 "services:\n  api:\n    <<: [*a, *b]\n    build: ./api\nvolumes: {}\n"
                 "networks:\n  default:\n", id="merge-list-and-top-level"),
    # `\'` in double quotes: no YAML escape, but Compose's YAML library reads it as `'`
    pytest.param(_compose(r'command: ["sh", "-c", "echo \'hi\'"]' + "\n"), id="escaped-quote"),
    pytest.param(_compose("environment:\n  A: 010\n  B: 0x1F\n  C: 1_000\n  D: 1.50\n  E: True\n"
                          "  F: yes\n  G: ~\n  H: 1e3\n  I: .inf\n  J: 12:30\n  K: 0o17\n"
                          "  L: 08\n  M: 99999999999999999999\n  N: -0b11\n  O: 1e999\n"
                          "  P: 0.0001\n  Q: 0.00001\n  R: 123456.5\n  S: !!int '7'\n"),
                 id="environment-scalars"),
]


@pytest.mark.slow  # the Compose binary
@pytest.mark.parametrize("compose", ACCEPTED)
def test_compose_accepts_what_fixer_reads(tmp_path: Path, compose: str) -> None:
    assert compose_config(_repo(tmp_path, compose), ["bad/compose.yaml"]).returncode == 0


@pytest.mark.parametrize("compose", ACCEPTED)
def test_what_compose_accepts_is_read(tmp_path: Path, compose: str) -> None:
    outcome = kit.run_check(kit.read_folder(_repo(tmp_path, compose)))
    assert outcome.errors == []


# Where fixer closes a mapping to the keys Compose's schema has: each as written in a file
_PLACES = {
    "service": lambda key: f"services:\n  api:\n    image: x\n    {key}: {{}}\n",
    "build": lambda key: f"services:\n  api:\n    build:\n      context: .\n      {key}: {{}}\n",
    "healthcheck": lambda key: f"services:\n  api:\n    image: x\n    healthcheck:\n"
                               f"      {key}: {{}}\n",
    "depends_on": lambda key: "services:\n  api:\n    image: x\n    depends_on:\n      db:\n"
                              f"        {key}: {{}}\n  db:\n    image: y\n",
    "port": lambda key: "services:\n  api:\n    image: x\n    ports:\n      - "
                        + ("" if key == "target" else "target: 80\n        ") + f"{key}: {{}}\n",
}
_ALLOWED = {"service": compose_keys.SERVICE_KEYS, "build": compose_keys.BUILD_KEYS,
            "healthcheck": compose_keys.HEALTHCHECK_KEYS,
            "depends_on": compose_keys.DEPENDENCY_KEYS, "port": compose_keys.PORT_KEYS}


@pytest.mark.slow  # the Compose binary, once a key
@pytest.mark.parametrize("place", sorted(_PLACES))
def test_every_key_fixer_allows_is_one_compose_knows(tmp_path: Path, place: str) -> None:
    """Fixer never refuses a key Compose loads: each key it allows, given a value of the wrong
    type, gets Compose's complaint about the value, never about the key; and a key it does
    not allow, Compose refuses as one."""
    unknown = []
    for key in sorted(_ALLOWED[place]) + ["x-unknown-to-fixer"]:
        (tmp_path / "compose.yaml").write_text(_PLACES[place](key))
        said = compose_config(tmp_path, ["compose.yaml"]).stderr
        if "additional propert" in said and f"'{key}'" in said:
            unknown.append(key)
    assert unknown == []
    (tmp_path / "compose.yaml").write_text(_PLACES[place]("not_a_key"))
    assert "additional propert" in compose_config(tmp_path, ["compose.yaml"]).stderr


ENVIRONMENT = ACCEPTED[-1].values[0]


def _environment(compose: str) -> dict[str, str | None]:
    doc = parse_compose(TextFile("compose.yaml", compose))
    assert doc is not None
    return {key: text for key, text, _node in
            mapping_or_list(get(doc.services["api"], "environment"))}


def test_environment_values_read_as_compose_reads_them() -> None:
    assert _environment(ENVIRONMENT) == {
        "A": "8", "B": "31", "C": "1000", "D": "1.5", "E": "true", "F": "yes", "G": None,
        "H": "1000", "I": "+Inf", "J": "12:30", "K": "15", "L": "8", "M": "1e+20", "N": "-3",
        "O": "1e999", "P": "0.0001", "Q": "1e-05", "R": "123456.5", "S": "7"}


@pytest.mark.slow  # the Compose binary
def test_environment_values_are_what_compose_makes_of_them(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**kit.app_service(), "compose.yaml": ENVIRONMENT})
    run = subprocess.run([str(compose_binary()), "config", "--format", "json"], cwd=root,
                         capture_output=True, text=True, timeout=60, check=True)
    expected = json.loads(run.stdout)["services"]["api"]["environment"]
    assert _environment(ENVIRONMENT) == expected


def _bomb(use: str) -> str:
    """A billion laughs: nine levels of nine aliases each, used once by the service."""
    levels = ["x-l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"x-l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
    return "\n".join(levels) + "\nservices:\n  api:\n    build: ./api\n" + use


@pytest.mark.parametrize(("use", "line"), [
    ("    command: *l8\n", 13), ("    command: [uvicorn, *l8]\n", 13),
    ("    environment: *l8\n", 13), ("    environment:\n      A: *l8\n", 14),
    ("    labels: *l8\n", 13), ("    x-notes: *l8\n", 13)])
def test_an_alias_bomb_is_refused_before_anything_walks_it(use: str, line: int) -> None:
    started = time.perf_counter()
    errors = kit.run_check({**kit.app_service(), "compose.yaml": _bomb(use)}).errors
    assert time.perf_counter() - started < 5
    assert [e.line for e in errors] == [line]
    assert re.fullmatch(r"YAML aliases expand to [\d,]{11} nodes \(an alias bomb\); not read",
                        errors[0].message)


def test_aliases_compose_files_use_are_read() -> None:
    """A hundred services sharing one anchor: far from the budget."""
    shared = "x-base: &base\n  restart: always\n  environment:\n    A: '1'\n    B: '2'\n"
    services = "".join(f"  s{i}:\n    <<: *base\n    image: x\n" for i in range(100))
    files = {**kit.app_service(), "compose.yaml": shared + "services:\n" + services}
    assert kit.run_check(files).errors == []


# -- Dockerfiles BuildKit cannot build ---------------------------------------------------------

@pytest.mark.parametrize(("dockerfile", "line", "message"), [
    pytest.param("# build it\n\nRUN pip install fastapi\n", 3,
                 "RUN before the first FROM: no build stage", id="no-from"),
    pytest.param("ARG VERSION=3.12\n", 1, "no FROM instruction", id="arg-only"),
    pytest.param("ARG V=3.12\nWORKDIR /app\nFROM python:${V}-slim\nCMD [\"python\"]\n", 2,
                 "WORKDIR before the first FROM", id="before-from"),
    pytest.param("FROM python:3.12\nRUNN pip install fastapi\nCMD [\"python\"]\n", 2,
                 "unknown instruction RUNN: the build fails", id="unknown-instruction"),
    pytest.param("FROM python:3.12\nCMD [\"python\"]\nx\n", 3,
                 "unknown instruction X: the build fails", id="stray-word"),
    pytest.param("FROM\nCMD [\"python\"]\n", 1, "FROM names no image", id="from-no-image"),
    pytest.param("FROM python:3.12 AS app\nFROM python:3.12-slim AS App\nCMD [\"python\"]\n",
                 2, "stage name `App` is used twice (first at line 1)", id="stage-name-twice"),
])
def test_dockerfile_without_stage_is_an_error(tmp_path: Path, dockerfile: str, line: int,
                                              message: str) -> None:
    root = _repo(tmp_path, _compose(""), {"bad/api/Dockerfile": dockerfile})
    before = kit.read_folder(root)
    code, out, err = run_cli("fix", "--apply", root)
    assert code == 2
    assert f"{root}/bad/api/Dockerfile:{line}: {message}" in err
    assert kit.read_folder(root) == before


@pytest.mark.parametrize(("target", "error"), [
    pytest.param("production", True, id="no-such-stage"),
    pytest.param("Prod", False, id="stage-names-ignore-case"),
    pytest.param("${TARGET:-production}", False, id="variable"),
])
def test_a_build_target_no_stage_names_is_an_error(tmp_path: Path, target: str,
                                                   error: bool) -> None:
    """BuildKit stops at it while `compose config` passes: the service is not silently
    dropped, and the other stacks are still checked."""
    compose = "services:\n  api:\n    build:\n      context: ./api\n" \
        f"      target: \"{target}\"\n"
    dockerfile = "FROM python:3.12 AS builder\nFROM python:3.12-slim AS prod\nCMD [\"python\"]\n"
    root = _repo(tmp_path, compose, {"bad/api/Dockerfile": dockerfile})
    before = kit.read_folder(root)
    code, out, err = run_cli("fix", "--apply", root)
    expected = f"{root}/bad/compose.yaml:5: build target `production` of api is no stage " \
        "of bad/api/Dockerfile (its stages: builder, prod): the build fails"
    assert (expected in err) is error
    assert (code == 2) is error
    if error:
        assert kit.read_folder(root) == before


def test_dockerfile_with_args_before_from_is_read() -> None:
    files = kit.app_service(cmd_form="shell")
    files["api/Dockerfile"] = "# syntax=docker/dockerfile:1\nARG V=3.12\n" + files["api/Dockerfile"]
    assert kit.codes(kit.check(files, select="D002")) == ["D002"]


def test_dockerfile_no_service_builds_is_not_an_error() -> None:
    files = {**kit.app_service(), "tools/Dockerfile": "RUN echo not a Dockerfile\n"}
    assert kit.run_check(files).errors == []


# -- error positions ---------------------------------------------------------------------------

LONG = "a" * 100_000


@pytest.mark.parametrize(("text", "line"), [
    pytest.param(f"services:\n  api:\n    build: ./api\n\n\n    {LONG} x\n", 6,
                 id="key-without-colon"),
    pytest.param(f"services:\n  api:\n    build: ./api\n\n\n    command: {LONG}\x07\n", 6,
                 id="control-character"),
    pytest.param(f"services:\n  api:\n    build: ./api\n\n\n    command: {'é' * 50_000}\x07\n", 6,
                 id="control-character-after-non-ascii"),
])
def test_yaml_error_names_its_line(text: str, line: int) -> None:
    errors = kit.run_check({**kit.app_service(), "compose.yaml": text}).errors
    assert [(e.path, e.line) for e in errors] == [("compose.yaml", line)]
    assert errors[0].message.startswith("invalid YAML: ")
    assert "<unicode string>" not in errors[0].message


# -- report ------------------------------------------------------------------------------------

def test_report_exits_2_on_invalid_yaml(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {**GOOD, "compose.yaml": GOOD["compose.yaml"] + "  x: [\n"})
    code, out, _err = run_cli("report", root)
    assert code == 2
    assert "## Input Errors" in out


def test_report_exits_0_on_readable_input(tmp_path: Path) -> None:
    code, _out, _err = run_cli("report", write_tree(tmp_path, GOOD))
    assert code == 0


# -- PEP 263 coding cookies --------------------------------------------------------------------

LATIN1_MAIN = ("# -*- coding: latin-1 -*-\n# Café: the café's API\n"
               "from fastapi import FastAPI\n\n"
               "app = FastAPI()\n\n\n@app.get(\"/\")\ndef root() -> dict[str, str]:\n"
               "    return {\"name\": \"café\"}\n").encode("latin-1")


def test_coding_cookie_file_is_read_and_fixed_in_its_encoding(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {**kit.app_service(routes=(), healthcheck=None),
                                     "api/app/main.py": LATIN1_MAIN}
    root = write_tree(tmp_path, files)
    code, _out, err = run_cli("fix", "--apply", "--select", "H001", root)
    assert code == 1 and "Applied 1 fix." in err
    after = (root / "api/app/main.py").read_bytes()
    assert after.startswith(LATIN1_MAIN)          # every byte it had is kept, in latin-1
    assert '@app.get("/health")' in after.decode("latin-1")
    assert kit.run_check(kit.read_folder(root), select="H001").findings == []


def test_coding_cookie_on_line_two() -> None:
    main = (b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\n# costs 3 \x80\n"
            + LATIN1_MAIN.split(b"\n", 1)[1])
    outcome = kit.run_check({**kit.app_service(), "api/app/main.py": main})
    assert outcome.errors == []
    assert outcome.workspace.tree.read("api/app/main.py").text.count("€") == 1


def test_undeclared_latin1_is_still_refused() -> None:
    main = LATIN1_MAIN.split(b"\n", 1)[1]
    errors = kit.run_check({**kit.app_service(), "api/app/main.py": main}).errors
    assert [(e.path, e.line, e.message) for e in errors] == [
        ("api/app/main.py", 1, "not valid utf-8 text")]


def test_coding_cookie_file_diff_applies_with_git(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {**kit.app_service(routes=(), healthcheck=None),
                                     "api/app/main.py": LATIN1_MAIN}
    root = write_tree(tmp_path / "repo", files)
    init_repo(root)
    outcome = kit.fix(files, select="H001")
    # a text diff in the file's own bytes, as `fixer fix` prints it (surrogate escapes here)
    assert "GIT binary patch" not in outcome.diff
    (tmp_path / "fix.diff").write_bytes(outcome.diff.encode("utf-8", "surrogateescape"))
    git(root, "apply", str(tmp_path / "fix.diff"))
    assert (root / "api/app/main.py").read_bytes() == outcome.tree["api/app/main.py"]
