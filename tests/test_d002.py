"""D002 shell-form-cmd: shell-form CMD/ENTRYPOINT of the final stage become exec form."""

from __future__ import annotations

import json
import subprocess

import pytest

from fixer.model.rule import Finding
from kit import check, fix

COMPOSE = "services:\n  api:\n    build: ./api\n"
HEAD = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"


def repo(dockerfile: str | bytes, compose: str = COMPOSE) -> dict[str, str | bytes]:
    return {"api/app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "api/Dockerfile": dockerfile.encode() if isinstance(dockerfile, str) else dockerfile,
            "docker-compose.yml": compose}


def fixed(dockerfile: str, unsafe: bool = False) -> str:
    """The Dockerfile after `fixer fix --select D002`."""
    outcome = fix(repo(dockerfile), select="D002", unsafe=unsafe)
    assert outcome.clean, outcome
    return outcome.tree["api/Dockerfile"].decode()


def finding(dockerfile: str) -> Finding:
    [found] = check(repo(dockerfile), select="D002")
    return found


@pytest.mark.parametrize(("before", "after", "args"), [
    pytest.param("CMD uvicorn app.main:app --port 8000\n",
                 'CMD ["uvicorn", "app.main:app", "--port", "8000"]\n', (), id="plain"),
    pytest.param("entrypoint uvicorn app.main:app\n", 'entrypoint ["uvicorn", "app.main:app"]\n',
                 (), id="keyword-case-kept"),
    pytest.param("CMD uvicorn app.main:app --root-path '/a b' --x \"q\\\"\"\n",
                 'CMD ["uvicorn", "app.main:app", "--root-path", "/a b", "--x", "q\\""]\n', (),
                 id="quotes-unquoted-as-sh-does"),
    pytest.param("CMD uvicorn app.main:app --port $PORT\n",
                 'CMD ["sh", "-c", "exec uvicorn app.main:app --port $PORT"]\n',
                 ("--unsafe-fixes",), id="variable"),
    pytest.param("CMD APP_ENV=prod uvicorn app.main:app\n",
                 'CMD ["sh", "-c", "APP_ENV=prod exec uvicorn app.main:app"]\n',
                 ("--unsafe-fixes",), id="assignment-prefix"),
    pytest.param("CMD alembic upgrade head; uvicorn app.main:app\n",
                 'CMD ["sh", "-c", "alembic upgrade head; exec uvicorn app.main:app"]\n',
                 ("--unsafe-fixes",), id="sequence-exec-last"),
    pytest.param("CMD celery -A app.worker worker & uvicorn app.main:app\n",
                 'CMD ["sh", "-c", "celery -A app.worker worker & exec uvicorn app.main:app"]\n',
                 ("--unsafe-fixes",), id="background-job-exec-last"),
    pytest.param('CMD sh -c "celery -A app.worker worker & uvicorn app.main:app"\n',
                 'CMD ["sh", "-c", "celery -A app.worker worker & exec uvicorn app.main:app"]\n',
                 ("--unsafe-fixes",), id="sh-c-wrapper-in-shell-form"),
    pytest.param("CMD /bin/bash -ec 'uvicorn app.main:app'\n",
                 'CMD ["/bin/bash", "-ec", "exec uvicorn app.main:app"]\n', (),
                 id="plain-wrapper-safe"),
    pytest.param('SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nCMD uvicorn app.main:app > /tmp/log\n',
                 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
                 'CMD ["/bin/bash", "-o", "pipefail", "-c", "exec uvicorn app.main:app > /tmp/log"]\n',
                 ("--unsafe-fixes",), id="stage-shell"),
    pytest.param("CMD uvicorn \\\n  app.main:app\n", 'CMD ["uvicorn", \\\n  "app.main:app"]\n', (),
                 id="continuation-keeps-lines"),
    pytest.param("CMD uvicorn app.main:app\\\n--reload\n", 'CMD ["uvicorn", "app.main:app--reload"]\n',
                 (), id="word-joined-across-lines"),
])
def test_d002_fixes(before: str, after: str, args: tuple[str, ...]) -> None:
    assert fixed(HEAD + before, unsafe="--unsafe-fixes" in args) == HEAD + after


@pytest.mark.parametrize(("dockerfile", "compose"), [
    pytest.param(HEAD + 'CMD ["uvicorn", "app.main:app"]\n', COMPOSE, id="exec-form"),
    pytest.param(HEAD + 'CMD ["sh", "-c", "uvicorn app.main:app --port ${PORT:-8000}"]\n', COMPOSE,
                 id="sh-c-wrapper"),
    pytest.param("FROM python:3.12-slim AS base\nCMD echo base\nFROM base\nCMD [\"python\"]\n",
                 COMPOSE, id="shell-form-in-an-earlier-stage"),
    pytest.param(HEAD + "CMD uvicorn app.main:app --port $PORT\n", COMPOSE,
                 id="unsafe-needs-the-flag"),
    pytest.param(HEAD + "ENTRYPOINT uvicorn app.main:app\n",
                 COMPOSE + "    command: --port 9000\n", id="entrypoint-with-compose-command"),
    # the shell execs the server itself: it is PID 1 and gets SIGTERM
    pytest.param(HEAD + "CMD exec uvicorn app.main:app --port $PORT\n", COMPOSE,
                 id="exec-already-there"),
    pytest.param(HEAD + "CMD exec uvicorn app.main:app\n", COMPOSE, id="exec-plain-words"),
    pytest.param(HEAD + "CMD . /opt/venv/bin/activate && exec uvicorn app.main:app\n", COMPOSE,
                 id="exec-after-a-chain"),
])
def test_d002_noop(dockerfile: str, compose: str) -> None:
    outcome = fix(repo(dockerfile, compose), select="D002")
    assert (outcome.diff, outcome.applied, outcome.clean) == ("", [], True)


def test_d002_a_target_that_names_no_stage_is_an_input_error() -> None:
    compose = "services:\n  api:\n    build:\n      context: ./api\n      target: missing\n"
    outcome = fix(repo(HEAD + "FROM python:3.12-slim AS test\nCMD pytest -q\n", compose),
                  select="D002", allow_errors=True)
    assert (outcome.diff, outcome.applied) == ("", [])
    assert [e.line for e in outcome.errors] == [5]


def test_safety_follows_what_exec_form_changes() -> None:
    plain = finding(HEAD + "CMD uvicorn app.main:app\n")
    assert (plain.safety.value, plain.fix_title, plain.line) == ("safe", "Use exec form", 4)
    assert finding(HEAD + "CMD uvicorn app.main:app --port $PORT\n").safety.value == "unsafe"
    combined = HEAD + 'ENTRYPOINT ["/entry.sh"]\nCMD uvicorn app.main:app\n'
    assert finding(combined).safety.value == "unsafe"
    windows = HEAD + 'SHELL ["powershell", "-Command"]\nCMD uvicorn $env:X\n'
    assert not finding(windows).fixable


@pytest.mark.parametrize(("command", "named"), [
    ("alembic upgrade head && uvicorn app.main:app", "(&&)"),
    ("celery -A app.worker worker & uvicorn app.main:app", "(&)"),
    ("migrate >> /tmp/log; uvicorn app.main:app", "(>>, ;)"),
    ("uvicorn app.main:app --port $PORT", "($)"),
    # what a comment holds is no feature: its `[`, `]` and `;` mean nothing to the shell
    ("uvicorn app.main:app --port 8000 # fixer: ignore[D002]; x",
     "(a trailing `#` comment, which the shell drops)"),
    ("uvicorn app.main:app --port $PORT  # [a] $b", "($, a trailing `#` comment, which the "
                                                   "shell drops)"),
])
def test_the_reason_names_the_shell_features_as_written(command: str, named: str) -> None:
    """`&&` is no background `&`: the reason a reviewer reads names what the command has."""
    found = finding(HEAD + f"CMD {command}\n")
    assert (found.fix_title or "").endswith(f"(it uses shell features {named})"), found.fix_title
    assert found.reason == f"it uses shell features {named}"   # JSON and SARIF carry it


@pytest.mark.parametrize("command", [
    pytest.param("uvicorn app.main:app || sleep 5", id="or-keeps-shell"),
    # `(a || b) && uvicorn`: the server is the `&&` list's, of which `||` is part
    pytest.param("alembic upgrade head || exit 1 && uvicorn app.main:app",
                 id="or-in-the-servers-list"),
    pytest.param("uvicorn app.main:app 2>&1 | tee /tmp/log", id="pipeline"),
    pytest.param("celery -A app.worker worker & uvicorn app.main:app & wait", id="ends-in-wait"),
    pytest.param("(cd /app && uvicorn app.main:app)", id="subshell"),
    pytest.param("sh -c 'uvicorn app.main:app | tee /tmp/log'", id="wrapped-pipeline"),
])
def test_display_only_where_no_exec_reaches_the_server(command: str) -> None:
    """Wrapping these in `sh -c` would keep the shell as PID 1: nothing to offer."""
    assert not finding(HEAD + f"CMD {command}\n").fixable
    outcome = fix(repo(HEAD + f"CMD {command}\n"), select="D002", unsafe=True)
    assert (outcome.diff, outcome.clean) == ("", True)


@pytest.mark.parametrize("separator", [" ", "\\\n    "])
def test_an_or_of_a_command_before_the_last_gets_the_exec(separator: str) -> None:
    """`alembic upgrade head || exit 1; uvicorn …`: the shell runs the server as a command
    of its own, whatever the migration did; `exec` hands it SIGTERM."""
    line = fixed(HEAD + f"CMD alembic upgrade head || exit 1;{separator}uvicorn app.main:app\n",
                 unsafe=True).splitlines()[-1]
    assert json.loads(line[len("CMD "):])[-1].endswith(
        "exit 1; exec uvicorn app.main:app"), line


@pytest.mark.parametrize("command", [
    "uvicorn app.main:app --host 0.0.0.0",
    "python -c \"print('x y')\" 'a\\b' c\\ d",
    "gunicorn \"app.main:create_app()\" -b '0.0.0.0:80' --log-config \"C:\\\\logs\\\\x.ini\"",
    "echo \"a\\\\b\\$c\" '$HOME' \"don't\"",
])
def test_exec_form_runs_the_argv_the_shell_ran(command: str) -> None:
    """The real /bin/sh splits the shell-form command into the same words as the JSON array."""
    line = fixed(HEAD + f"CMD {command}\n").splitlines()[-1]
    assert line.startswith("CMD [")
    argv = json.loads(line[len("CMD "):])
    shell = subprocess.run(["/bin/sh", "-c", f"printf '%s\\0' {command}"], capture_output=True,
                           text=True, check=True, timeout=10)
    assert argv == shell.stdout.split("\0")[:-1]


def test_crlf_bom_and_multiline_comment_hoisted() -> None:
    before = "\ufeffFROM python:3.12-slim\r\nCMD cd /app && \\\r\n    # start\r\n    uvicorn app.main:app\r\n"
    assert repo(before)["api/Dockerfile"].startswith(b"\xef\xbb\xbf")  # type: ignore[union-attr]
    after = fixed(before, unsafe=True)
    assert after == ("\ufeffFROM python:3.12-slim\r\n# start\r\n"
                     'CMD ["sh", "-c", "cd /app && exec uvicorn app.main:app"]\r\n')


def test_a_list_in_single_quotes_is_left_to_the_author() -> None:
    """`CMD ['uvicorn', ...]` is no JSON: Docker runs it through sh, broken. `sh -c "exec
    ['uvicorn', ...]"` would keep it broken; the author writes the double quotes."""
    found = finding(HEAD + "CMD ['uvicorn', 'app.main:app', '--port', '8000']\n")
    assert not found.fixable and "single quotes" in (found.reason or "")


DISTROLESS_PY = ("FROM python:3.11-slim AS deps\nRUN pip install --target=/deps uvicorn\n"
                 "FROM gcr.io/distroless/python3-debian12\nCOPY --from=deps /deps /deps\n")


def test_on_an_image_without_a_shell_the_message_says_the_container_cannot_start() -> None:
    """Shell form on distroless runs a /bin/sh the image lacks: not a SIGTERM nuisance but a
    container that never starts. A plain command in exec form starts (an ENTRYPOINT of the
    Dockerfile's own replaces the interpreter the image sets)."""
    found = finding("FROM gcr.io/distroless/python3-debian12\nCOPY . /app\n"
                    "ENTRYPOINT python3 -m uvicorn app.main:app\n")
    assert found.message == ("ENTRYPOINT in shell form: the distroless base image has no "
                             "/bin/sh, so the container cannot start")
    assert (found.safety.value, found.fix_title) == ("safe", "Use exec form")
    slim = finding(HEAD + "CMD uvicorn app.main:app\n")
    assert slim.message.endswith("/bin/sh is PID 1 and does not pass SIGTERM to the app")


@pytest.mark.parametrize(("dockerfile", "why"), [
    pytest.param(DISTROLESS_PY + "CMD python -m uvicorn app.main:app\n",
                 "ENTRYPOINT is the interpreter, which receives the CMD as its arguments: in "
                 "exec form it would run `python3 python …`", id="python-entrypoint-inherited"),
    pytest.param("FROM gcr.io/distroless/cc\nCOPY venv /venv\n"
                 "CMD /venv/bin/uvicorn app.main:app --port $PORT\n",
                 "the command needs a shell (its shell features)", id="shell-features"),
    pytest.param("FROM gcr.io/distroless/cc\nCOPY venv /venv\n"
                 "CMD sh -c '/venv/bin/uvicorn app.main:app'\n",
                 "the command needs a shell (`sh -c`)", id="sh-c-wrapper"),
])
def test_no_exec_form_that_cannot_start_either(dockerfile: str, why: str) -> None:
    """`["python", "-m", …]` under distroless Python's ENTRYPOINT runs `python3 python`, and
    `["sh", "-c", …]` needs the shell the image lacks: each would replace one broken start
    with another, so the finding says why and offers nothing."""
    found = finding(dockerfile)
    assert not found.fixable and why in (found.reason or ""), found.reason
    outcome = fix(repo(dockerfile), select="D002", unsafe=True)
    assert (outcome.diff, outcome.clean) == ("", True)


@pytest.mark.parametrize("dockerfile", [
    pytest.param(DISTROLESS_PY.replace("/deps /deps", "/app/.venv /app/.venv") +
                 "CMD /app/.venv/bin/uvicorn app.main:app\n", id="venv-program"),
    pytest.param(DISTROLESS_PY.replace("/deps /deps", "/app/.venv /app/.venv") +
                 'ENV PATH="/app/.venv/bin:$PATH"\nCMD uvicorn app.main:app\n', id="venv-on-path"),
])
def test_under_the_python_entrypoint_a_venv_needs_its_packages_seen(dockerfile: str) -> None:
    """The image's interpreter does not see a copied virtualenv's packages: `["-m",
    "uvicorn"]` alone would fail with "No module named uvicorn", so the advice names them."""
    reason = finding(dockerfile).reason or ""
    assert "does not see the packages of the virtualenv /app/.venv" in reason, reason
    assert '`ENTRYPOINT ["/app/.venv/bin/python"]`' in reason
    plain = finding(DISTROLESS_PY + "CMD python -m uvicorn app.main:app\n").reason or ""
    assert "virtualenv" not in plain and 'write the CMD as the interpreter' in plain


def test_a_shell_copied_into_the_image_counts() -> None:
    """A stage that copies busybox in has a shell: the usual SIGTERM message and fix."""
    found = finding("FROM gcr.io/distroless/cc\nCOPY --from=busybox:1.36 /bin/busybox "
                    "/bin/busybox\nCMD uvicorn app.main:app --port $PORT\n")
    assert "PID 1" in found.message and found.safety.value == "unsafe"


@pytest.mark.parametrize(("script", "safety"), [
    pytest.param("#!/bin/sh\nexec uvicorn app.main:app\n", "safe", id="shebang"),
    pytest.param("exec uvicorn app.main:app\n", None, id="no-shebang"),
])
def test_a_script_without_a_shebang_needs_the_shell(script: str, safety: str | None) -> None:
    """sh runs a file without `#!` as a shell script itself (ENOEXEC); exec form makes the
    kernel run it, which fails with "exec format error": no fix can be offered."""
    files = repo(HEAD + "ENTRYPOINT ./start.sh\n")
    files["api/start.sh"] = script
    [found] = check(files, select="D002")
    assert (found.safety.value if found.fixable else None) == safety, found.reason
    if safety is None:
        assert found.reason == ("api/start.sh has no `#!` line: sh runs it as a shell script, "
                                "exec form makes the kernel run it and fails with \"exec "
                                "format error\": give it a `#!/bin/sh` line and end it with "
                                "`exec` before its server, then use exec form")


def test_a_script_fixer_cannot_find_is_unsafe() -> None:
    found = finding(HEAD + "CMD ./generated.sh\n")
    assert found.safety.value == "unsafe" and "does not find ./generated.sh" in (found.reason
                                                                               or "")


def test_the_message_names_the_stages_shell() -> None:
    """Under `SHELL ["/bin/bash", "-c"]` bash runs the shell form, not /bin/sh; with the
    server's output redirected, bash stays PID 1 (checked with `ps -p $$`)."""
    [found] = check(repo(HEAD + 'SHELL ["/bin/bash", "-c"]\nCMD source /venv/bin/activate && '
                         "uvicorn app.main:app >> /var/log/api.log 2>&1\n"), select="D002")
    assert found.message == "CMD in shell form: /bin/bash is PID 1 and does not pass SIGTERM " \
                            "to the app"


@pytest.mark.parametrize(("command", "handed"), [
    pytest.param("uvicorn app.main:app --port ${PORT}", "a lone command", id="expansion"),
    pytest.param("alembic upgrade head && uvicorn app.main:app", "the last command of an "
                 "`&&` list", id="and-list"),
    pytest.param("source /venv/bin/activate && PORT=8000 uvicorn app.main:app",
                 "the last command of an `&&` list", id="and-list-with-assignment"),
])
def test_under_bash_an_expanded_or_chained_command_is_handed_the_process(
        command: str, handed: str) -> None:
    """bash 5.2 -c execs a lone simple command whatever its expansions, and the last command
    of an `&&` list (checked with `ps -p $$`): the message says so, and the fix's `exec`
    does the same without the shell."""
    [found] = check(repo(HEAD + f'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nCMD {command}\n'),
                    select="D002")
    assert found.message == (f"CMD in shell form: it runs through `/bin/bash -o pipefail -c`, "
                             f"which hands {handed} its process; `exec` before it starts the "
                             "app the same way without depending on the shell")


def test_the_fix_under_a_shell_with_options_is_titled_and_read_back_as_written() -> None:
    """Under `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` the fix writes that shell, options
    and all; its title shows the same form, and fixer reads the app from it afterwards (the
    app rules still see the server: P002 still finds the missing EXPOSE)."""
    dockerfile = (HEAD + 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
                  "CMD source /opt/venv/bin/activate && uvicorn app.main:app --port 8000\n")
    found = finding(dockerfile)
    assert (found.fix_title or "").startswith(
        'Run it as ["/bin/bash", "-o", "pipefail", "-c", "… exec uvicorn …"]'), found.fix_title
    outcome = fix(repo(dockerfile), select="D002", unsafe=True)
    assert outcome.text("api/Dockerfile").endswith(
        'CMD ["/bin/bash", "-o", "pipefail", "-c", "source /opt/venv/bin/activate && exec '
        'uvicorn app.main:app --port 8000"]\n')
    assert [f.code for f in check(outcome.tree, select="P002")] == ["P002"]


@pytest.mark.parametrize("command", [
    pytest.param("uvicorn app.main:app 2>&1 | tee /tmp/api.log", id="pipeline"),
    pytest.param("(uvicorn app.main:app)", id="subshell"),
    pytest.param("uvicorn app.main:app;", id="trailing-semicolon"),
    pytest.param("alembic upgrade head; uvicorn app.main:app", id="semicolon-list"),
    pytest.param("trap 'echo bye' TERM && uvicorn app.main:app", id="trap"),
    pytest.param("alembic upgrade head && uvicorn app.main:app > /tmp/api.log", id="redirect"),
])
def test_under_bash_no_hand_over_is_claimed_beyond_what_bash_does(command: str) -> None:
    """A pipeline, a subshell, a redirect of the server or a trap keep bash as PID 1; a `;`
    list is not claimed either."""
    [found] = check(repo(HEAD + f'SHELL ["/bin/bash", "-c"]\nCMD {command}\n'), select="D002")
    assert "hands" not in found.message, found.message


def test_under_bash_a_lone_command_is_not_said_to_miss_sigterm() -> None:
    """bash -c replaces itself with a lone simple command (dash and BusyBox sh do not)."""
    [found] = check(repo(HEAD + 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
                         "CMD uvicorn app.main:app\n"), select="D002")
    assert found.message == ("CMD in shell form: it runs through `/bin/bash -o pipefail -c`, which "
                             "hands a lone command its process; exec form starts the app the same "
                             "way without depending on the shell") and found.safety.value == "safe"


@pytest.mark.parametrize(("script", "note"), [
    pytest.param("#!/bin/sh\nalembic upgrade head\npython3 app/main.py\n",
                 "api/start.sh then runs `python3 app/main.py` without `exec`: end it with "
                 "`exec python3 app/main.py`", id="last-command-without-exec"),
    pytest.param("#!/bin/sh\nalembic upgrade head && python3 app/main.py\n",
                 "end it with `alembic upgrade head && exec python3 app/main.py`",
                 id="last-line-a-chain"),
    pytest.param("#!/bin/sh\nalembic upgrade head && exec python3 app/main.py\n", None,
                 id="last-line-a-chain-execd"),
    pytest.param("#!/bin/sh\nalembic upgrade head\nexec python3 app/main.py\n", None,
                 id="last-command-execd"),
    pytest.param("#!/bin/sh\nif [ -n \"$DEBUG\" ]; then\n  python3 -m debugpy app/main.py\nfi\n",
                 None, id="ends-in-a-block"),
])
def test_d002_says_what_a_script_run_in_exec_form_still_keeps(script: str,
                                                              note: str | None) -> None:
    """Exec form makes the script PID 1; one whose last command runs without `exec` still
    keeps SIGTERM from the app, which the fix's title says (the fix stays safe)."""
    files = {**repo(HEAD + "CMD ./start.sh\n"), "api/start.sh": script}
    [found] = check(files, select="D002")
    assert found.safety.value == "safe"
    if note is None:
        assert found.fix_title == "Use exec form"
    else:
        assert note in (found.fix_title or ""), found.fix_title


@pytest.mark.parametrize("script", [
    "if [ -n \"$DEV\" ]; then uvicorn a:b --reload; else uvicorn a:b; fi",
    "while true; do uvicorn a:b; done",
    "{ alembic upgrade head; uvicorn a:b; }",
])
def test_d002_no_exec_before_the_word_that_closes_a_block(script: str) -> None:
    """`exec fi` is no shell script: a compound command gets no fix, with the reason."""
    found = finding(HEAD + f"CMD sh -c '{script}'\n")
    assert not found.fixable and "`if` or loop block" in (found.reason or "")


def test_a_shell_run_through_env_is_that_shell() -> None:
    """`SHELL ["/usr/bin/env", "bash", "-c"]` sets nothing up: env execs bash."""
    [found] = check(repo(HEAD + 'SHELL ["/usr/bin/env", "bash", "-c"]\n'
                         "CMD uvicorn app.main:app\n"), select="D002")
    assert found.safety.value == "safe" and "`bash -c`" in found.message


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: web
          image: {image}
{extra}"""


@pytest.mark.parametrize(("files", "safety"), [
    pytest.param({"k8s/deploy.yaml": DEPLOYMENT.format(
        image="ghcr.io/acme/storefront:2.0", extra='          args: ["--workers", "4"]\n')},
        "unsafe", id="one-app-any-manifest-with-args"),
    pytest.param({"k8s/deploy.yaml": DEPLOYMENT.format(
        image="ghcr.io/acme/api:2.0", extra='          command: ["uvicorn"]\n'
                                             '          args: ["app.main:app"]\n')},
        "safe", id="command-replaces-the-entrypoint"),
    pytest.param({"k8s/deploy.yaml": DEPLOYMENT.format(image="ghcr.io/acme/api:2.0",
                                                       extra="          args: []\n")},
        "safe", id="no-args"),
    pytest.param({"charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
                  "charts/api/values.yaml": "image:\n  repository: ghcr.io/acme/api\n"
                                            "args:\n  - --workers\n  - \"4\"\n"},
        "unsafe", id="helm-values"),
])
def test_an_entrypoint_that_kubernetes_gives_args(files: dict[str, str], safety: str) -> None:
    """A shell-form ENTRYPOINT ignores the `args:` a manifest gives the image; exec form
    appends them: unsafe, with the file in the reason."""
    [found] = check({**repo(HEAD + "ENTRYPOINT uvicorn app.main:app --host 0.0.0.0\n"), **files},
                    select="D002")
    assert found.safety.value == safety, found
    if safety == "unsafe":
        named = next(p for p in files if not p.endswith("Chart.yaml"))
        assert found.reason == (f"{named} runs the image with `args:`, which an exec-form "
                                "ENTRYPOINT appends and shell form ignored")


_RUNS_UVICORN = ('from fastapi import FastAPI\nimport uvicorn\n\napp = FastAPI()\n\n'
                 'if __name__ == "__main__":\n    uvicorn.run(app, host="0.0.0.0", port=8000)\n')


@pytest.mark.parametrize(("command", "main", "what"), [
    pytest.param("uvicorn app.main:app", "", "the app", id="server"),
    pytest.param("python main.py", _RUNS_UVICORN, "the app", id="script-serving-fastapi"),
    pytest.param("python main.py", "print('done')\n", "the process", id="one-off-script"),
    pytest.param("pytest -q tests", "", "the process", id="test-runner"),
])
def test_the_message_calls_only_a_server_fixer_knows_the_app(command: str, main: str,
                                                             what: str) -> None:
    files = {**repo(HEAD + f"CMD {command}\n"), "api/main.py": main or "x = 1\n"}
    [found] = check(files, select="D002")
    assert found.message == f"CMD in shell form: /bin/sh is PID 1 and does not pass SIGTERM " \
                            f"to {what}"


@pytest.mark.parametrize(("command", "shown"), [
    ("celery -A tasks worker --concurrency=$CONCURRENCY", "exec celery …"),
    ("alembic upgrade head && uvicorn app.main:app --port $PORT", "… exec uvicorn …"),
    ("PORT=8000 gunicorn app.main:app --bind :$PORT", "… exec gunicorn …"),
    ("cd /srv && $SERVER", "… exec $SERVER"),
])
def test_the_sh_c_title_names_the_program_the_container_is_handed_to(
        command: str, shown: str) -> None:
    """The unsafe fix's title shows which command gets `exec`, as the rewrite writes it, and
    no placeholder: a commit subject is read by people."""
    found = finding(HEAD + f"CMD {command}\n")
    assert (found.fix_title or "").startswith(f'Run it as ["sh", "-c", "{shown}"]'), \
        found.fix_title


@pytest.mark.parametrize("command", ["./entrypoint.sh", "bash entrypoint.sh", "sh entrypoint.sh"])
def test_the_title_says_a_script_that_runs_the_server_without_exec_keeps_the_signal(
        command: str) -> None:
    """Exec form makes the script's shell PID 1, and that shell still does not hand SIGTERM
    to a server it runs without `exec`: the fix says what is left to write, whether the
    shell is the script's `#!` or named in the command (`bash entrypoint.sh`)."""
    files = {**repo(HEAD + f"CMD {command}\n"),
             "api/entrypoint.sh": "#!/bin/bash\nalembic upgrade head\n"
                                  "uvicorn app.main:app --host 0.0.0.0 --port 8000\n"}
    [found] = check(files, select="D002")
    assert found.fix_title is not None and \
        "end it with `exec uvicorn app.main:app --host 0.0.0.0 --port 8000`" in found.fix_title


def test_the_message_says_where_every_service_replaces_the_cmd() -> None:
    """Each service built from the image sets its own `command:`: the shell is PID 1 only
    where the image runs without one, and the one-line message says so."""
    compose = "services:\n  api:\n    build: ./api\n    command: uvicorn app.main:app\n"
    [found] = check(repo(HEAD + "CMD uvicorn app.main:app\n", compose), select="D002")
    assert found.violation.message.endswith(
        "where the image runs without a `command:` (every service built from it here sets "
        "its own)"), found.violation.message
    [plain] = check(repo(HEAD + "CMD uvicorn app.main:app\n"), select="D002")
    assert "where the image runs" not in plain.violation.message, plain.violation.message


def test_a_dev_containers_idle_command_does_not_replace_the_cmd() -> None:
    """A dev container's overlay keeps the editor's container up with its own `command:`;
    `docker compose up` of the project runs the CMD, as the message says of any image."""
    files = {**repo(HEAD + "CMD uvicorn app.main:app\n"),
             ".devcontainer/docker-compose.yml": "services:\n  api:\n    command: sleep infinity\n"}
    [found] = check(files, select="D002")
    assert "where the image runs" not in found.violation.message, found.violation.message
