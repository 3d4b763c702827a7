"""The compile worker (fixer/sources/compile_ahead.py): a real worker process answers for each
module exactly what compiling it in-process answers, and a worker that cannot start, dies or
lags changes no answer. The engine starts one for a check of many modules."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixer import engine
from fixer.core.textfile import TextFile
from fixer.core.tree import FolderSource, Tree
from fixer.engine.ahead import early, modules_below_builds, modules_to_compile
from fixer.model.workspace import Workspace
from fixer.sources import compile_ahead, python
from fixer.sources.compile_ahead import Answer
from fixer.sources.python import CompileError
from kit import check, lines, rules, tree

# What the compiler says of each, from code generation as much as from the parser.
MODULES = {
    "fine.py": "import os\n\n\ndef main() -> None:\n    print(os.name)\n",
    "empty.py": "",
    "syntax.py": "def broken(:\n    pass\n",
    "indent.py": "def f():\nreturn 1\n",
    "tabs.py": "if True:\n\tx = 1\n        y = 2\n",
    "python2.py": 'print "hello"\n',
    "conflict.py": "x = 1\n<<<<<<< HEAD\ny = 2\n=======\ny = 3\n>>>>>>> other\n",
    "return.py": "x = 1\nreturn x\n",           # code generation refuses, the parser does not
    "nonlocal.py": "nonlocal x\n",
    "await.py": "import asyncio\nawait asyncio.sleep(1)\n",
    "break.py": "x = 1\n\nbreak\n",
    "star.py": "*a = [1]\n",
    "duplicate.py": "def f(a, a):\n    pass\n",
    "future.py": "from __future__ import braces\n",
    "late_future.py": "import os\nfrom __future__ import annotations\n",
    "nul.py": "x = 1\0\n",
    "nested.py": "x = " + "(" * 250 + ")" * 250 + "\n",
    "unicode.py": "név = 'ő'\nprint(név)\n",
    "warning.py": "x = 1\nif x is 1:\n    pass\n",   # a SyntaxWarning only: it compiles
}


def in_process(file: TextFile) -> CompileError | None:
    assert not compile_ahead.CURRENT
    return python._compile(file)


def worker_answer(file: TextFile) -> CompileError | None | str:
    answer = compile_ahead.answer(file)
    if answer is None:
        return "no answer"
    return None if answer.compiles else CompileError(answer.line, answer.message)


@pytest.fixture
def modules() -> list[TextFile]:
    return [TextFile(path, text) for path, text in MODULES.items()]


def test_the_worker_answers_what_compiling_in_process_answers(modules: list[TextFile]) -> None:
    expected = {file.path: in_process(file) for file in modules}
    assert expected["fine.py"] is None and expected["warning.py"] is None
    assert expected["return.py"] == CompileError(2, "SyntaxError: 'return' outside function")
    with compile_ahead.compiling(modules, force=True) as worker:
        assert worker is not None
        assert worker.wait(timeout=60)
        answers = {file.path: worker_answer(file) for file in modules}
        assert worker.answered == len(modules)
    assert answers == expected


def test_a_deep_recursion_is_left_to_the_in_process_path() -> None:
    # compiling it raises RecursionError, which the worker does not answer for: in-process,
    # what happens to it is what happened before the worker
    deep = TextFile("deep.py", "x = " + "-" * 200_000 + "1\n")
    with compile_ahead.compiling([deep], force=True) as worker:
        assert worker is not None and worker.wait(timeout=60)
        assert worker.answered == 0
        assert compile_ahead.answer(deep) is None


def test_answers_are_for_the_very_texts_sent(modules: list[TextFile]) -> None:
    # the same path with another text (a later round's edit) has none; the same text has
    # the same answer, whichever TextFile holds it
    with compile_ahead.compiling(modules, force=True) as worker:
        assert worker is not None and worker.wait(timeout=60)
        edited = TextFile("return.py", "def f():\n    return 1\n")
        assert compile_ahead.answer(edited) is None
        copy = TextFile("return.py", MODULES["return.py"])
        assert compile_ahead.answer(copy) == Answer(False, 2,
                                                    "SyntaxError: 'return' outside function")
        assert compile_ahead.answer(modules[0]) is not None
    assert compile_ahead.answer(modules[0]) is None   # no worker outside the block


def test_no_thread_runs_beside_a_worker(modules: list[TextFile]) -> None:
    # a check forks while the worker compiles: a fork copies only the thread that calls it
    with compile_ahead.compiling(modules, force=True) as worker:
        assert worker is not None
        assert threading.active_count() == 1
        assert worker.wait(timeout=60) and worker.answered == len(modules)


@pytest.mark.parametrize("command", [
    ["/nonexistent/python3"],
    [sys.executable, "-c", "import sys; sys.stdin.buffer.read(4); sys.exit(0)"],
    [sys.executable, "-c", "import sys; sys.stdout.buffer.write(b'\\x00\\x00\\x00\\x09junk')"],
    [sys.executable, "-c", "import marshal, struct, sys; data = marshal.dumps((1, 'x', 5)); "
                           "sys.stdout.buffer.write(struct.pack('>I', len(data)) + data)"],
])
def test_a_worker_that_fails_changes_no_answer(modules: list[TextFile],
                                               command: list[str]) -> None:
    expected = {file.path: in_process(file) for file in modules}
    with compile_ahead.compiling(modules, command=command, force=True) as worker:
        if worker is not None:
            assert worker.wait(timeout=60)
        got = {file.path: python._compile(file) for file in modules}
        assert all(compile_ahead.answer(file) is None for file in modules)
    assert got == expected


def test_the_worker_is_stopped_and_reaped_when_the_block_ends() -> None:
    # a worker still reading its input when the check ends is killed, not left behind
    slow = [sys.executable, "-c", "import time; time.sleep(60)"]
    files = [TextFile("a.py", "x = 1\n")]
    with compile_ahead.compiling(files, command=slow, force=True) as worker:
        assert worker is not None and worker.process.poll() is None
    assert worker.process.returncode is not None
    assert worker.wait(timeout=5)


def test_a_frozen_fixer_starts_no_worker(modules: list[TextFile],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # its executable is the frozen fixer, not an interpreter that runs `-c PROGRAM`
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    with compile_ahead.compiling(modules, force=True) as worker:
        assert worker is None


def test_few_modules_start_no_worker(modules: list[TextFile]) -> None:
    assert len(modules) < compile_ahead.MIN_MODULES
    with compile_ahead.compiling(modules) as worker:
        assert worker is None


# -- the engine --------------------------------------------------------------------------------

def fleet(services: int) -> dict[str, str]:
    """Services whose app modules fail to compile in several ways, and one that compiles."""
    compose = "services:\n" + "".join(
        f"  s{i}:\n    build: ./s{i}\n    ports:\n      - \"{8000 + i}:8000\"\n"
        for i in range(services))
    files = {"docker-compose.yml": compose, "tools/loose.py": "return 1\n"}
    broken = [text for path, text in MODULES.items()
              if path not in ("nested.py", "fine.py", "empty.py")]
    for i in range(services):
        files[f"s{i}/Dockerfile"] = (
            "FROM python:3.11-slim\nWORKDIR /srv\nCOPY requirements.txt .\n"
            "RUN pip install --no-cache-dir -r requirements.txt\nCOPY app ./app\n"
            'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
        files[f"s{i}/requirements.txt"] = "fastapi\nuvicorn\n"
        files[f"s{i}/app/__init__.py"] = ""
        files[f"s{i}/app/main.py"] = (
            "from fastapi import FastAPI\n\nfrom app import helpers\n\napp = FastAPI()\n\n\n"
            '@app.get("/health")\ndef health():\n    return {"status": helpers.STATUS}\n')
        files[f"s{i}/app/helpers.py"] = broken[i % len(broken)] + "STATUS = 'ok'\n"
    return files


@pytest.fixture
def popen_calls() -> Iterator[list[tuple[object, ...]]]:
    """The processes started while the test runs, as the interpreter reports them."""
    calls: list[tuple[object, ...]] = []
    hooks.append(calls)
    yield calls
    hooks.remove(calls)


hooks: list[list[tuple[object, ...]]] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "subprocess.Popen":
        for calls in hooks:
            calls.append(args)


sys.addaudithook(_audit)


def worker_started(calls: list[tuple[object, ...]]) -> bool:
    return any("-c" in list(args[1]) and compile_ahead._PROGRAM in list(args[1])  # type: ignore
               for args in calls)


def test_a_check_answered_by_the_worker_reports_what_one_without_it_does(
        popen_calls: list[tuple[object, ...]]) -> None:
    files = fleet(20)   # 60 modules: too few for the engine to start a worker of its own
    without = lines(check(files, allow_errors=True))
    assert not worker_started(popen_calls)
    assert sum(" S004 " in line for line in without) >= 12
    ws = Workspace.load(tree(files))
    sent = modules_to_compile(ws)
    with compile_ahead.compiling(sent, force=True) as worker:
        assert worker is not None and worker.wait(timeout=60)
        assert worker.answered == len(sent) >= 55   # a module with a NUL byte is no text
        result = engine.check(ws, rules(None, None))
    assert lines(result.findings) == without


def test_a_check_of_many_modules_starts_a_worker_and_reports_the_same(
        monkeypatch: pytest.MonkeyPatch, popen_calls: list[tuple[object, ...]]) -> None:
    files = fleet(20)
    without = lines(check(files, allow_errors=True))
    monkeypatch.setattr(compile_ahead, "MIN_MODULES", 1)
    monkeypatch.setattr(compile_ahead, "spare_core", lambda: True)   # a one-core runner
    assert lines(check(files, allow_errors=True)) == without
    assert worker_started(popen_calls)


def test_the_worker_is_sent_the_modules_of_the_build_folders_not_yet_compiled() -> None:
    ws = Workspace.load(tree(fleet(3)))
    sent = [file.path for file in modules_to_compile(ws)]
    assert sent == [f"s{i}/app/{name}" for i in range(3)
                    for name in ("__init__.py", "helpers.py", "main.py")]
    python.compile_problem(ws.tree.read("s1/app/main.py"))
    assert "s1/app/main.py" not in [file.path for file in modules_to_compile(ws)]


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no process priorities")
def test_the_worker_runs_at_the_lowest_priority() -> None:
    # it uses only a core nothing else wants: beside a forked check, the two processes of
    # the check keep both cores, and a module not answered yet is compiled in-process
    body = "".join(f"def f{i}(x):\n    return [x * {i} for _ in range(3)]\n" for i in range(400))
    files = [TextFile(f"m{n}.py", body) for n in range(300)]
    with compile_ahead.compiling(files, force=True) as worker:
        assert worker is not None
        while worker.answered == 0 and worker.process.poll() is None:
            time.sleep(0.01)
        assert worker.process.poll() is None, "the worker ended before it could be looked at"
        assert os.getpriority(os.PRIO_PROCESS, worker.process.pid) == 19


# -- reading from disk, started before the workspace loads --------------------------------------

def disk_tree(tmp_path: Path, files: dict[str, str | bytes]) -> Tree:
    for path, content in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")
    return Tree(FolderSource(tmp_path))


def test_a_worker_reading_the_folder_answers_what_compiling_in_process_answers(
        tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {f"mods/{path}": text for path, text in MODULES.items()}
    files["mods/bom.py"] = b"\xef\xbb\xbfreturn 1\n"
    files["mods/crlf.py"] = "x = 1\r\nreturn x\r\n"
    tree = disk_tree(tmp_path, files)
    readable = [tree.read(path) for path in sorted(files) if path != "mods/nul.py"]
    expected = {file.path: in_process(file) for file in readable}
    assert expected["mods/bom.py"] == CompileError(1, "SyntaxError: 'return' outside function")
    with compile_ahead.compiling_from_disk(str(tmp_path), sorted(files), 1 << 20,
                                           force=True) as worker:
        assert worker is not None and worker.wait(timeout=60)
        assert {file.path: worker_answer(file) for file in readable} == expected
        assert worker.answered == len(readable)   # a NUL byte: no text fixer reads


def test_a_file_read_otherwise_or_changed_since_is_compiled_in_process(tmp_path: Path) -> None:
    latin = "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n"
    tree = disk_tree(tmp_path, {"latin.py": latin.encode("latin-1"), "moved.py": "x = 1\n",
                                "big.py": "x = 1\n" * 100})
    (tmp_path / "link.py").symlink_to(tmp_path / "moved.py")
    paths = ["big.py", "latin.py", "link.py", "moved.py"]
    with compile_ahead.compiling_from_disk(str(tmp_path), paths, 300, force=True) as worker:
        assert worker is not None and worker.wait(timeout=60)
        assert worker.answered == 1   # moved.py alone: no links, nothing over the limit
        assert compile_ahead.answer(tree.read("latin.py")) is None   # not UTF-8 to the worker
        assert compile_ahead.answer(tree.read("moved.py")) is not None
        (tmp_path / "moved.py").write_text("return 2\n")
        changed = Tree(FolderSource(tmp_path)).read("moved.py")
        assert compile_ahead.answer(changed) is None
        assert python._compile(changed) == CompileError(1, "SyntaxError: 'return' outside function")


def test_the_modules_below_dockerfiles_are_compiled_early() -> None:
    paths = ["api/Dockerfile", "api/app/main.py", "api/app/sub/models.py", "tools/gen.py",
             "web/docker/web.dockerfile", "web/docker/entry.py", "web/src/app.py",
             "Containerfile.d/x.py", "setup.py"]
    assert modules_below_builds(paths) == ["api/app/main.py", "api/app/sub/models.py",
                                           "web/docker/entry.py"]
    assert modules_below_builds([*paths, "Dockerfile"]) == sorted(
        p for p in paths if p.endswith(".py"))


def test_a_check_starts_the_worker_before_the_workspace_loads_and_reports_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        popen_calls: list[tuple[object, ...]]) -> None:
    files = fleet(20)
    without = lines(check(files, allow_errors=True))
    tree = disk_tree(tmp_path, dict(files))
    monkeypatch.setattr(compile_ahead, "MIN_MODULES", 1)
    monkeypatch.setattr(compile_ahead, "spare_core", lambda: True)
    with early(tree):
        assert worker_started(popen_calls) and len(compile_ahead.CURRENT) == 1
        worker = compile_ahead.CURRENT[0]
        assert worker.wait(timeout=60) and worker.answered >= 55
        ws = Workspace.load(tree)
        started = len(popen_calls)
        result = engine.check(ws, rules(None, None))
        assert len(popen_calls) == started   # the check's own worker is the early one
    assert not compile_ahead.CURRENT and worker.process.returncode is not None
    assert lines(result.findings) == without
