"""The listen port: what a command runs (ports/launch.py), and how a service's port is resolved
and where it is written (ports/: listen, portsites, scriptport), on real files."""

from __future__ import annotations


import pytest

from fixer.sources.launch import bind_port, find_launch, resolve_token, shell_script_at
from fixer.model.listen import ListenPort
from fixer.model.workspace import Workspace
from kit import tree

UV = ["uvicorn", "app.main:app", "--host", "0.0.0.0"]


@pytest.mark.parametrize(("argv", "shell_form", "expected"), [
    pytest.param(UV + ["--port", "8000"], False, ("uvicorn", "app.main:app", "8000", 5),
                 id="exec-port"),
    pytest.param(UV + ["--port=8001"], False, ("uvicorn", "app.main:app", "8001", 4),
                 id="exec-port-equals"),
    # a shell-form `sh -c "..."`: the quoted script is the command, `&&` and all
    pytest.param(["sh -c \"python -c pass && uvicorn app.main:app --port 80\""], True,
                 ("uvicorn", "app.main:app", "80", None), id="shell-form-sh-c"),
    pytest.param(["gunicorn", "--bind", "0.0.0.0:8000", "app.main:app"], False,
                 ("gunicorn", "app.main:app", "8000", 2), id="gunicorn-bind-before-target"),
    pytest.param(["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "-b", "[::]:8002",
                  "app.main:app"], False, ("gunicorn", "app.main:app", "8002", 4),
                 id="gunicorn-b-ipv6"),
    pytest.param(["gunicorn", "--bind=0.0.0.0:${PORT:-8003}", "main:app"], False,
                 ("gunicorn", "main:app", "${PORT:-8003}", 1), id="gunicorn-bind-variable"),
    # gunicorn's argparse reads a short option's value glued on, or after `=`
    pytest.param(["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "-b=:7000", "app.main:app"],
                 False, ("gunicorn", "app.main:app", "7000", 3), id="gunicorn-b-equals"),
    pytest.param(["gunicorn", "-b:7001", "app.main:app"], False,
                 ("gunicorn", "app.main:app", "7001", 1), id="gunicorn-b-glued"),
    pytest.param(["sh", "-c", "gunicorn -b=0.0.0.0:7002 app.main:app"], False,
                 ("gunicorn", "app.main:app", "7002", None), id="gunicorn-b-equals-script"),
    pytest.param(["gunicorn", "-b", "unix:/tmp/app.sock", "main:app"], False,
                 ("gunicorn", "main:app", None, None), id="gunicorn-unix-socket"),
    pytest.param(["fastapi", "run", "app/main.py", "--port", "8004"], False,
                 ("fastapi", "app/main.py", "8004", 4), id="fastapi-run"),
    pytest.param(["python", "-m", "uvicorn", "src.main:app", "--port", "8005"], False,
                 ("uvicorn", "src.main:app", "8005", 5), id="python-m-uvicorn"),
    pytest.param(["uv", "run", "uvicorn", "main:create_app()", "--port", "8006"], False,
                 ("uvicorn", "main:create_app()", "8006", 5), id="uv-run-factory"),
    pytest.param(["tini", "--", "uvicorn", "app.main:app"], False,
                 ("uvicorn", "app.main:app", None, None), id="tini-default-port"),
    pytest.param(["sh", "-c", "alembic upgrade head && exec uvicorn app.main:app "
                              "--port ${PORT:-8007}"], False,
                 ("uvicorn", "app.main:app", "${PORT:-8007}", None), id="sh-c-segments"),
    pytest.param(["uvicorn app.main:app --host 0.0.0.0 --port 8008"], True,
                 ("uvicorn", "app.main:app", "8008", None), id="shell-form"),
    pytest.param(["/bin/bash", "-ec", "cd /srv; gunicorn -b :8009 main:app"], False,
                 ("gunicorn", "main:app", "8009", None), id="bash-ec"),
    pytest.param(["bash", "-c", "python3 -m alembic upgrade head\n"
                                "python3 -m gunicorn app.main:app --bind 0.0.0.0:8010\n"], False,
                 ("gunicorn", "app.main:app", "8010", None), id="migration-script-then-server"),
    # shell options before `-c`: the form D002's fix writes under `SHELL ["/bin/bash", "-o",
    # "pipefail", "-c"]`, and `set -euo pipefail` given on the command line
    pytest.param(["/bin/bash", "-o", "pipefail", "-c", "source /opt/venv/bin/activate && "
                  "exec uvicorn main:app --host 0.0.0.0 --port 8011"], False,
                 ("uvicorn", "main:app", "8011", None), id="bash-o-pipefail-c"),
    pytest.param(["/bin/bash", "-euo", "pipefail", "-c", "python -m app.prestart && exec "
                  "gunicorn app.main:app -b 0.0.0.0:8012"], False,
                 ("gunicorn", "app.main:app", "8012", None), id="bash-euo-pipefail-c"),
    # an environment's runner runs the rest of the command in it
    pytest.param(["conda", "run", "--no-capture-output", "-n", "geo", "uvicorn", "app.main:app",
                  "--host", "0.0.0.0", "--port", "8013"], False,
                 ("uvicorn", "app.main:app", "8013", 10), id="conda-run"),
    pytest.param(["micromamba", "run", "-n", "geo", "uvicorn", "app.main:app", "--port", "8014"],
                 False, ("uvicorn", "app.main:app", "8014", 7), id="micromamba-run"),
    pytest.param(["/opt/conda/bin/mamba", "run", "--name=geo", "--cwd", "/srv", "--live-stream",
                  "python", "-m", "uvicorn", "main:app", "--port", "8015"], False,
                 ("uvicorn", "main:app", "8015", 11), id="mamba-run-options"),
    pytest.param(["conda run -p /opt/env uvicorn app.main:app --port 8016"], True,
                 ("uvicorn", "app.main:app", "8016", None), id="conda-run-shell-form"),
    # a wrapper that sends the server's outgoing connections through a proxy, or an agent's
    pytest.param(["proxychains4", "-q", "-f", "/etc/proxychains.conf", "gunicorn", "-k",
                  "uvicorn.workers.UvicornWorker", "-b", "0.0.0.0:8020", "main:app"], False,
                 ("gunicorn", "main:app", "8020", 8), id="proxychains-wrapper"),
    pytest.param(["newrelic-admin", "run-program", "uvicorn", "main:app", "--port", "8021"],
                 False, ("uvicorn", "main:app", "8021", 5), id="newrelic-wrapper"),
    # importlib imports a module file with a hyphen in its name: the server serves it
    pytest.param(["uvicorn", "user-service:app", "--port", "8017"], False,
                 ("uvicorn", "user-service:app", "8017", 3), id="hyphenated-module"),
    # a response header's `Name:Value` before the target is no target
    pytest.param(["uvicorn", "--header", "X-Frame-Options:DENY", "main:app", "--port", "8018"],
                 False, ("uvicorn", "main:app", "8018", 5), id="header-before-target"),
    pytest.param(["gunicorn", "--ciphers", "ECDHE-RSA-AES256:HIGH", "-b", ":8019", "main:app"],
                 False, ("gunicorn", "main:app", "8019", 4), id="ciphers-before-target"),
])
def test_find_launch(argv: list[str], shell_form: bool,
                     expected: tuple[str, str, str | None, int | None]) -> None:
    launch = find_launch(argv, shell_form)
    assert launch is not None
    assert (launch.server, launch.target, launch.port_token, launch.port_index) == expected
    assert launch.via_shell == (shell_form or argv[0].endswith("sh"))


@pytest.mark.parametrize(("argv", "target"), [
    pytest.param(["python", "run_server.py"], "run_server.py", id="script"),
    pytest.param(["python3.12", "-m", "app.main"], "-m app.main", id="module"),
    pytest.param(["env", "PYTHONPATH=/srv", "python", "/app/main.py"], "/app/main.py",
                 id="env-prefix"),
])
def test_find_launch_scripts(argv: list[str], target: str) -> None:
    launch = find_launch(argv)
    assert launch is not None and launch.runs_script and launch.target == target


@pytest.mark.parametrize(("argv", "shell_form"), [
    pytest.param(["uv", "run", "sh", "-c", "alembic upgrade head && uvicorn main:app --port 8000"],
                 False, id="exec-form"),
    pytest.param(["uv run sh -c \"alembic upgrade head && uvicorn main:app --port 8000\""], True,
                 id="shell-form"),
])
def test_find_launch_in_a_shell_script_behind_a_wrapper(argv: list[str],
                                                         shell_form: bool) -> None:
    """`uv run sh -c "..."`: the server the script starts, as without the wrapper."""
    launch = find_launch(argv, shell_form)
    assert launch is not None and launch.via_shell
    assert (launch.server, launch.target, launch.port_token) == ("uvicorn", "main:app", "8000")
    assert launch.script_index == (None if shell_form else 4)


@pytest.mark.parametrize("argv", [
    pytest.param(["./start.sh"], id="script-of-unknown-content"),
    pytest.param(["celery", "-A", "app.worker", "worker"], id="other-program"),
    pytest.param(["sh", "-c", "echo 'unbalanced"], id="unbalanced-quote"),
    pytest.param(["python"], id="bare-python"),
    pytest.param(["fastapi"], id="fastapi-without-run"),
    # an option fixer does not know may take the next word: the command is unknown
    pytest.param(["micromamba", "run", "--detach", "-n", "geo", "uvicorn", "app.main:app"],
                 id="env-run-unknown-option"),
    pytest.param(["bash", "--rcfile-extra", "-c", "uvicorn app.main:app"],
                 id="shell-unknown-long-option"),
])
def test_find_launch_none(argv: list[str]) -> None:
    assert find_launch(argv) is None


@pytest.mark.parametrize(("argv", "at"), [
    pytest.param(["sh", "-c", "x"], 2, id="sh-c"),
    pytest.param(["/bin/bash", "-o", "pipefail", "-c", "x"], 4, id="o-pipefail"),
    pytest.param(["bash", "-euo", "pipefail", "-c", "x"], 4, id="cluster-with-o"),
    pytest.param(["bash", "-lc", "x"], 2, id="lc"),
    pytest.param(["bash", "--login", "-c", "x"], 3, id="login"),
    pytest.param(["/usr/bin/dash", "-e", "-x", "-c", "x"], 4, id="several"),
    pytest.param(["bash", "-c", "-e", "x"], 3, id="option-after-c"),
    pytest.param(["bash", "-O", "extglob", "+o", "history", "-c", "x"], 6, id="shopt"),
    pytest.param(["bash", "-c", "--", "x"], 3, id="double-dash"),
    pytest.param(["sh", "-e", "start.sh"], None, id="script-file"),
    pytest.param(["python", "-c", "x"], None, id="no-shell"),
    pytest.param(["bash", "-Z", "-c", "x"], None, id="unknown-letter"),
    pytest.param(["bash", "--rcfile-extra", "-c", "x"], None, id="unknown-long-option"),
    pytest.param(["sh", "-c"], None, id="no-script"),
])
def test_shell_script_at(argv: list[str], at: int | None) -> None:
    assert shell_script_at(argv) == at


@pytest.mark.parametrize(("argv", "host"), [
    pytest.param(UV, "0.0.0.0", id="uvicorn-host"),
    pytest.param(["uvicorn", "app.main:app"], "", id="uvicorn-default"),
    pytest.param(["gunicorn", "-b", "127.0.0.1:8000", "app.main:app"], "127.0.0.1",
                 id="gunicorn-bind"),
    pytest.param(["gunicorn", "-b", "0.0.0.0:8000", "-b", "[::]:8000", "app.main:app"], "",
                 id="gunicorn-two-binds"),
])
def test_launch_host(argv: list[str], host: str) -> None:
    launch = find_launch(argv)
    assert launch is not None and launch.host == host


@pytest.mark.parametrize(("token", "env", "expected"), [
    pytest.param("8000", {}, (8000, None), id="literal"),
    pytest.param("$PORT", {"PORT": "8001"}, (8001, "PORT"), id="plain-variable"),
    pytest.param("${PORT}", {}, (None, "PORT"), id="unset-no-default"),
    pytest.param("${PORT:-8002}", {}, (8002, "PORT"), id="default-when-unset"),
    pytest.param("${PORT:-8002}", {"PORT": ""}, (8002, "PORT"), id="colon-default-when-empty"),
    pytest.param("${PORT-8002}", {"PORT": ""}, (None, "PORT"), id="dash-default-keeps-empty"),
    pytest.param("${PORT:-8002}", {"PORT": "9000"}, (9000, "PORT"), id="set-wins"),
    pytest.param("${PORT:-x}", {}, (None, "PORT"), id="default-not-a-number"),
    pytest.param("80${N}", {"N": "80"}, (None, None), id="partial-interpolation"),
])
def test_resolve_token(token: str, env: dict[str, str],
                       expected: tuple[int | None, str | None]) -> None:
    assert resolve_token(token, env) == expected


@pytest.mark.parametrize(("bind", "port"), [
    pytest.param("0.0.0.0:8000", "8000", id="ipv4"),
    pytest.param("[::]:8001", "8001", id="ipv6"),
    pytest.param(":8002", "8002", id="no-host"),
    pytest.param("${HOST:-0.0.0.0}:${PORT:-8003}", "${PORT:-8003}", id="variables"),
    pytest.param("unix:/run/app.sock", None, id="unix"),
    pytest.param("0.0.0.0", None, id="no-port"),
])
def test_bind_port(bind: str, port: str | None) -> None:
    assert bind_port(bind) == port


# -- resolving a service's port on a real tree ------------------------------------------------

def listen_of(files: dict[str, str], service: str = "api") -> ListenPort:
    ws = Workspace.load(tree(files))
    found = next(s for s in ws.apps() if s.name == service)
    assert found.app is not None
    return found.app.listen


def written(files: dict[str, str], listen: ListenPort) -> list[str]:
    """The text at each site: what a fix would rewrite."""
    return [files[s.path][s.start:s.end] for s in listen.sites]


COMPOSE = "services:\n  api:\n    build: ./api\n"
BUILD_ARGS = "services:\n  api:\n    build:\n      context: ./api\n      args:\n"
BASE = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"


def df(*lines: str, **extra: str) -> dict[str, str]:
    """An api/Dockerfile of BASE plus lines; `compose` adds compose lines, other keys files."""
    files = {"api/Dockerfile": BASE + "".join(line + "\n" for line in lines)}
    if "compose" in extra:
        files["docker-compose.yml"] = COMPOSE + extra.pop("compose")
    files.update({f"api/{name}.py": text for name, text in extra.items()})
    return files


SH_PORT = 'CMD ["sh", "-c", "uvicorn a:b --port $PORT"]'


@pytest.mark.parametrize(("files", "port", "origin", "sites"), [
    pytest.param(df("ENV PORT=8100", SH_PORT), 8100, "PORT in CMD", ["8100"], id="env-site"),
    # BuildKit unquotes an ENV value: `ENV PORT="8100"` sets 8100
    pytest.param(df('ENV PORT="8100"', SH_PORT), 8100, "PORT in CMD", ["8100"],
                 id="env-quoted"),
    # `- PORT` passes Compose's own value through to the container: the .env's
    pytest.param({**df("ENV PORT=8000", SH_PORT, compose="    environment:\n      - PORT\n"),
                  ".env": "PORT=9000\n"}, 9000, "PORT in CMD", [], id="bare-environment-key"),
    # Compose substitutes a compose command's `${PORT}` from .env, not `environment:`
    pytest.param(df('CMD ["uvicorn", "a:b"]',
                    compose="    command: uvicorn a:b --port ${PORT:-8000}\n"
                            "    environment:\n      PORT: \"9000\"\n"),
                 8000, "command", ["8000"], id="compose-command-interpolated-by-compose"),
    pytest.param(df('CMD ["uvicorn", "a:b"]', compose="    command: [uvicorn, a:b, --port, "
                                                         "$$PORT]\n    environment:\n"
                                                         "      PORT: \"9000\"\n"),
                 None, "command", [], id="compose-command-escaped-without-a-shell"),
    # exec form runs no shell: uvicorn is given the text `$PORT` and does not start
    pytest.param(df("ENV PORT=8100", 'CMD ["uvicorn", "a:b", "--port", "$PORT"]'), None, "CMD",
                 [], id="exec-form-variable-is-literal"),
    pytest.param(df("ENV PORT=8100", 'CMD ["gunicorn", "-b", "0.0.0.0:${PORT}", "a:b"]'), None,
                 "CMD", [], id="exec-form-bind-variable-is-literal"),
    pytest.param(df("ARG P=8101", "ENV PORT=${P}", "CMD uvicorn a:b --port ${PORT:-8000}"),
                 8101, "PORT in CMD", ["8101"], id="env-reads-arg"),
    pytest.param(df("ENV PORT=8000", SH_PORT, compose="    environment:\n      PORT: 8102\n"),
                 8102, "PORT in CMD", [], id="compose-env-beats-dockerfile-env"),
    pytest.param(df('CMD ["sh", "-c", "uvicorn a:b --port ${PORT:-8103}"]'),
                 8103, "CMD", ["8103"], id="default-when-unset"),
    pytest.param(df('CMD ["uvicorn", "a:b"]',
                    compose="    environment:\n      - UVICORN_PORT=8104\n"),
                 8104, "UVICORN_PORT read by uvicorn", [], id="uvicorn-env-variable"),
    pytest.param(df('CMD ["granian", "--interface", "asgi", "a:b"]',
                    compose="    environment:\n      GRANIAN_PORT: \"9000\"\n"),
                 9000, "GRANIAN_PORT read by granian", [], id="granian-env-variable"),
    pytest.param(df("ENV PORT=8105", 'CMD ["gunicorn", "a:b"]'),
                 8105, "PORT read by gunicorn", ["8105"], id="gunicorn-reads-port"),
    pytest.param(df('CMD ["gunicorn", "-c", "conf.py", "a:b"]'),
                 None, "CMD", [], id="gunicorn-config-file"),
    pytest.param(df('CMD ["uvicorn", "a:b", "--port", "8000"]',
                    compose="    command:\n      - uvicorn\n      - a:b\n"
                            "      - --port\n      - '8106'\n"),
                 8106, "command", ["8106"], id="compose-block-list"),
    pytest.param(df('CMD ["uvicorn", "a:b"]',
                    compose="    command: >\n      uvicorn a:b\n      --port\n      8107\n"),
                 8107, "command", ["8107"], id="compose-folded"),
    pytest.param(df('CMD ["uvicorn", "a:b", "--port", "8108", "--root-path", "/8108"]'),
                 8108, "CMD", ["8108"], id="only-the-port-word"),
    pytest.param(df('CMD ["python", "/app/serve.py"]',
                    serve="import uvicorn\nPORT = 8109\nuvicorn.run('a:b', port=PORT)\n"),
                 8109, "uvicorn.run in api/serve.py", ["8109"], id="script-module-constant"),
    pytest.param(df('CMD ["python", "serve.py"]',
                    serve="import os\nfrom uvicorn import run\n"
                          "run('a:b', port=int(os.environ.get('PORT', '8110')))\n"),
                 8110, "uvicorn.run in api/serve.py", ["8110"], id="script-env-default"),
    pytest.param(df('CMD ["python", "serve.py"]',
                    serve="import uvicorn\nuvicorn.run('a:b', port=settings.port)\n"),
                 None, "uvicorn.run in api/serve.py", [], id="script-port-not-literal"),
    pytest.param(df('ENTRYPOINT ["uvicorn", "a:b"]', 'CMD ["--port", "8111"]'),
                 8111, "ENTRYPOINT", ["8111"], id="entrypoint-server-cmd-arguments"),
    pytest.param({**df('ENTRYPOINT ["./run.sh"]', 'CMD ["uvicorn", "a:b", "--port", "8112"]'),
                  "api/run.sh": '#!/bin/sh\nalembic upgrade head\nexec "$@"\n'},
                 8112, "CMD", ["8112"], id="entrypoint-script-then-cmd"),
    # the script never runs its arguments: it starts its own server, the CMD is left over
    pytest.param({**df('ENTRYPOINT ["./run.sh"]', 'CMD ["uvicorn", "a:b", "--port", "8112"]'),
                  "api/run.sh": "#!/bin/sh\nexec uvicorn a:b --port 8001\n"},
                 None, "none", [], id="entrypoint-script-ignores-cmd"),
    # ... and the CMD it is given starts nothing, or runs that very script: the script is it
    pytest.param({**df('ENTRYPOINT ["./run.sh"]', 'CMD ["--reload"]'),
                  "api/run.sh": "#!/bin/sh\nexec uvicorn a:b --port 8001\n"},
                 8001, "ENTRYPOINT in api/run.sh", [], id="entrypoint-script-ignores-options"),
    pytest.param({**df('ENTRYPOINT ["./run.sh"]', 'CMD ["./run.sh"]'),
                  "api/run.sh": "#!/bin/sh\nexec uvicorn a:b --port 8001\n"},
                 8001, "ENTRYPOINT in api/run.sh", [], id="entrypoint-script-given-itself"),
    # ... but a program of its own (a worker), which the script drops: which one the author
    # meant is unknown, and the script's server is no fact to probe
    pytest.param({**df('ENTRYPOINT ["./run.sh"]', 'CMD ["celery", "-A", "a", "worker"]'),
                  "api/run.sh": "#!/bin/sh\nexec uvicorn a:b --port 8001\n"},
                 None, "none", [], id="entrypoint-script-drops-a-worker"),
    pytest.param(df('ENTRYPOINT ["./run.sh"]', 'CMD ["uvicorn", "a:b", "--port", "8112"]'),
                 None, "none", [], id="entrypoint-script-fixer-cannot-read"),
    pytest.param(df('ENTRYPOINT ["tini", "--"]', 'CMD ["uvicorn", "a:b", "--port", "8113"]'),
                 8113, "CMD", ["8113"], id="entrypoint-init-runs-the-cmd"),
    pytest.param(df("ENTRYPOINT /start.sh", 'CMD ["uvicorn", "a:b", "--port", "8114"]'),
                 None, "none", [], id="shell-form-entrypoint-ignores-cmd"),
    pytest.param(df('CMD ["celery", "worker"]'), None, "none", [], id="no-server"),
    # gunicorn reads ./gunicorn.conf.py untold: its default is no fact; GUNICORN_CMD_ARGS's
    # one `--bind` is (it wins over the file), with no site a fix may rewrite
    pytest.param({**df('CMD ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "a:b"]'),
                  "api/gunicorn.conf.py": 'bind = "0.0.0.0:9000"\n'},
                 None, "CMD", [], id="gunicorn-conf-py-read-untold"),
    pytest.param(df('ENV GUNICORN_CMD_ARGS="--bind=0.0.0.0:9000 --workers=2"',
                    'CMD ["gunicorn", "a:b"]'), 9000, "--bind of GUNICORN_CMD_ARGS", [],
                 id="gunicorn-cmd-args-bind"),
    pytest.param(df('CMD ["gunicorn", "a:b"]',
                    compose="    environment:\n      GUNICORN_CMD_ARGS: -b :9001\n"),
                 9001, "--bind of GUNICORN_CMD_ARGS", [], id="gunicorn-cmd-args-from-compose"),
    pytest.param(df('ENV GUNICORN_CMD_ARGS="-b :9000 -b :9001"', 'CMD ["gunicorn", "a:b"]'),
                 None, "CMD", [], id="gunicorn-cmd-args-two-binds"),
    pytest.param(df('ENV GUNICORN_CMD_ARGS="--bind unix:/tmp/g.sock"', 'CMD ["gunicorn", "a:b"]'),
                 None, "CMD", [], id="gunicorn-cmd-args-socket"),
    pytest.param(df('ENV GUNICORN_CMD_ARGS="--workers=2"', 'CMD ["gunicorn", "a:b"]'),
                 8000, "gunicorn default", [], id="gunicorn-cmd-args-without-bind"),
    # compose's build.args set the ARG the port comes from: its default is not what runs
    pytest.param({**df("ARG APP_PORT=5000", "ENV APP_PORT=${APP_PORT}",
                       'CMD ["sh", "-c", "uvicorn a:b --port ${APP_PORT}"]'),
                  "docker-compose.yml": BUILD_ARGS + "        APP_PORT: 8114\n"},
                 8114, "APP_PORT in CMD", [], id="build-arg-sets-the-port"),
    pytest.param({**df("ARG APP_PORT=5000", 'CMD ["sh", "-c", "uvicorn a:b --port $APP_PORT"]'),
                  "docker-compose.yml": BUILD_ARGS + "        - APP_PORT\n"},
                 None, "CMD", [], id="build-arg-from-the-shell"),
    pytest.param({**df('CMD ["gunicorn", "--bind", "0.0.0.0:8113", "a:b"]'),
                  "api/gunicorn.conf.py": 'bind = "0.0.0.0:9000"\n'},
                 8113, "CMD", ["8113"], id="command-line-bind-beats-conf-py"),
    # a Unix socket or a file descriptor: no TCP port, never the server's default
    pytest.param(df('CMD ["gunicorn", "-b", "unix:/run/app.sock", "a:b"]'), None, "CMD", [],
                 id="gunicorn-unix-socket-only"),
    pytest.param(df('CMD ["gunicorn", "-b", "unix:/run/app.sock", "-b", ":8115", "a:b"]'),
                 8115, "CMD", ["8115"], id="gunicorn-socket-and-tcp"),
    pytest.param(df('CMD ["hypercorn", "--bind", "fd://3", "a:b"]'), None, "CMD", [],
                 id="hypercorn-fd"),
    # TLS on 8443 and plain HTTP on 8000: it listens on both
    pytest.param(df('CMD ["hypercorn", "--bind", "0.0.0.0:8443", "--insecure-bind", '
                    '"0.0.0.0:8000", "--certfile", "c.pem", "--keyfile", "k.pem", "a:b"]'),
                 None, "CMD", [], id="hypercorn-tls-and-insecure-bind"),
    pytest.param(df('CMD ["hypercorn", "--insecure-bind", "0.0.0.0:8116", "a:b"]'),
                 8116, "CMD", ["8116"], id="hypercorn-insecure-bind-alone"),
    pytest.param(df('CMD ["uvicorn", "a:b", "--uds", "/run/app.sock", "--port", "8000"]'),
                 None, "CMD", [], id="uvicorn-uds-ignores-the-port"),
    pytest.param(df('CMD ["uvicorn", "a:b", "--fd", "0"]'), None, "CMD", [], id="uvicorn-fd"),
    # the script the CMD runs is where COPY puts it, not where the folder layout says
    pytest.param({**df("COPY ./src /srv", 'CMD ["python", "/srv/serve.py"]'),
                  "api/src/serve.py": "import uvicorn\nuvicorn.run('a:b', port=8117)\n"},
                 8117, "uvicorn.run in api/src/serve.py", ["8117"], id="script-copied-from-src"),
    # compose's entrypoint replaces the image's CMD: its server runs, not the CMD's
    pytest.param(df('CMD ["uvicorn", "a:b", "--port", "8000"]',
                    compose="    entrypoint: uvicorn a:b --port 5000\n"),
                 5000, "entrypoint", [], id="compose-entrypoint-server"),  # not edited there
    pytest.param(df('CMD ["uvicorn", "a:b", "--port", "8000"]',
                    compose="    entrypoint: [alembic, upgrade, head]\n"),
                 None, "none", [], id="compose-entrypoint-no-server"),
    pytest.param(df('CMD ["uvicorn", "a:b", "--port", "8116"]',
                    compose="    entrypoint:\n"),
                 8116, "CMD", ["8116"], id="compose-entrypoint-null"),
    # a `#!` start script the command runs, where COPY puts it: its port is read, and never
    # written there (fixer edits no shell script)
    pytest.param({**df("COPY boot/run.sh /run.sh", 'CMD ["/run.sh"]'), "api/boot/run.sh":
                  "#!/bin/sh\nalembic upgrade head\nexec uvicorn a:b --port 8118\n"},
                 8118, "CMD in api/boot/run.sh", [], id="start-script-of-the-cmd"),
    pytest.param({**df('CMD ["uvicorn", "a:b"]', compose="    command: ./start.sh\n"
                       "    environment:\n      PORT: '8119'\n"), "api/start.sh":
                  "#!/usr/bin/env bash\nexec gunicorn -k uvicorn.workers.UvicornWorker "
                  "-b 0.0.0.0:$PORT a:b\n"},
                 8119, "PORT in command in api/start.sh", [], id="start-script-of-compose"),
    pytest.param({**df('CMD ["sh", "start.sh"]', compose="    environment:\n      PORT: '80'\n"),
                  "api/start.sh": "#!/bin/sh\nexport PORT=${PORT:-8000}\n"
                                  "exec uvicorn a:b --port $PORT\n"},
                 80, "PORT in CMD in api/start.sh", [],
                 id="start-script-default-under-the-environment"),
    pytest.param({**df('CMD ["./start.sh"]'), "api/start.sh":
                  "#!/bin/sh\nset -e\nif [ -n \"$MIGRATE\" ]; then\n  alembic upgrade head\n"
                  "fi\nexec uvicorn a:b --port 8121\n"},
                 8121, "CMD in api/start.sh", [], id="start-script-branch-before-the-server"),
    # what the script starts depends on its branch, or it has no `#!` line: not read
    pytest.param({**df('CMD ["./start.sh"]'), "api/start.sh":
                  "#!/bin/sh\nif [ -n \"$DEV\" ]; then\n  exec uvicorn a:b --reload\nfi\n"
                  "exec gunicorn a:b -k uvicorn.workers.UvicornWorker\n"},
                 None, "none", [], id="start-script-with-a-branch"),
    pytest.param({**df('CMD ["./start.sh"]'), "api/start.sh": "exec uvicorn a:b --port 8120\n"},
                 None, "none", [], id="start-script-without-shebang"),
    # a bind whose value is a variable holding host and port: unknown, not gunicorn's 8000
    pytest.param(df('CMD gunicorn a:b -k uvicorn.workers.UvicornWorker --bind "$BIND"'),
                 None, "CMD", [], id="gunicorn-bind-of-a-variable"),
    pytest.param({**df('CMD ["./api.sh"]'), "api/api.sh":
                  "#!/bin/sh\nBIND=${GUNICORN_BIND:-0.0.0.0:8000}\nexec gunicorn a:b "
                  "-k uvicorn.workers.UvicornWorker --bind \"${BIND}\"\n"},
                 None, "CMD in api/api.sh", [], id="start-script-gunicorn-bind-variable"),
])
def test_resolve(files: dict[str, str], port: int | None, origin: str,
                 sites: list[str]) -> None:
    files = {"docker-compose.yml": COMPOSE, **files}
    listen = listen_of(files)
    assert (listen.port, listen.origin) == (port, origin)
    assert written(files, listen) == sites
    assert (listen.port is None) == bool(listen.reason)


@pytest.mark.parametrize(("dockerfile", "compose", "added"), [
    pytest.param('CMD ["uvicorn", "a:b" ]\n', "", 'CMD ["uvicorn", "a:b", "--port", "9000" ]',
                 id="exec-form"),
    pytest.param('CMD ["hypercorn", "a:b"]\n', "",
                 'CMD ["hypercorn", "a:b", "--bind", "0.0.0.0:9000"]', id="hypercorn-bind"),
    pytest.param('CMD ["uvicorn", "a:b"]\n', "    command: [uvicorn, a:b]\n",
                 "    command: [uvicorn, a:b, --port, \"9000\"]", id="compose-flow"),
    pytest.param('CMD ["uvicorn", "a:b"]\n', "    command: 'uvicorn a:b'\n",
                 "    command: 'uvicorn a:b --port 9000'", id="compose-quoted-string"),
])
def test_addition(dockerfile: str, compose: str, added: str) -> None:
    files = {"docker-compose.yml": COMPOSE + compose, "api/Dockerfile": BASE + dockerfile}
    listen = listen_of(files)
    assert listen.port == 8000 and listen.addition is not None
    edit = listen.addition.edit(9000)
    text = files[edit.path]
    changed = text[:edit.start] + edit.text + text[edit.end:]
    assert added in changed.splitlines()


def test_no_addition_inside_sh_c() -> None:
    listen = listen_of({"docker-compose.yml": COMPOSE,
                                  **df('CMD ["sh", "-c", "exec uvicorn a:b"]')})
    assert listen.port == 8000 and listen.addition is None


@pytest.mark.parametrize(("command", "why"), [
    pytest.param('CMD ["gunicorn", "-c", "settings/gunicorn.conf.py", "a:b"]',
                 "gunicorn reads its bind from the config file it is given "
                 "(`settings/gunicorn.conf.py`), which fixer does not read", id="given-with-c"),
    pytest.param('CMD ["gunicorn", "a:b"]', "gunicorn reads ./gunicorn.conf.py from its "
                 "working directory (api/gunicorn.conf.py)", id="found-untold"),
])
def test_a_gunicorn_config_file_says_which_one(command: str, why: str) -> None:
    """The file `-c` names is the one gunicorn reads, not ./gunicorn.conf.py by default."""
    files = {"docker-compose.yml": COMPOSE, **df(command),
             "api/gunicorn.conf.py": 'bind = "0.0.0.0:9000"\n',
             "api/settings/gunicorn.conf.py": 'bind = "0.0.0.0:9000"\n'}
    listen = listen_of(files)
    assert (listen.port, listen.reason) == (None, why)
