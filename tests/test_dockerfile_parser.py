"""fixer's pure-Python Dockerfile parser gives what BuildKit's own parser gives.

BuildKit's parser comes from the `dockerfile` package (a Go extension, installed by the
`test` and `crosscheck` extras). It is the oracle for every Dockerfile in the repository
and for generated ones; the focused cases pin each grammar feature, and the line of each
error, which the package does not report.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import dockerfile as buildkit
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fixer.core.errors import InputError
from fixer.sources.dockerfile import Instruction, cmd_in_force, parse
from fixer.sources.portsites import run_env
from fixer.sources.dockerfile_grammar import BadDockerfile, RawInstruction, read
from fixer.core.textfile import TextFile, decode

from support import REPO, SEED_FLEET

Outcome = tuple[RawInstruction, ...] | str | None   # the instructions, or the error message


@lru_cache(maxsize=1024)   # BuildKit takes seconds on a 64 KiB line; cases ask it more than once
def buildkit_read(text: str) -> Outcome:
    """BuildKit's instructions; None when its values are not UTF-8 (the package then raises
    UnicodeDecodeError: a byte-wise split inside a non-ASCII character)."""
    try:
        commands = buildkit.parse_string(text)
    except buildkit.GoParseError as exc:
        return str(exc)
    except UnicodeDecodeError:
        return None
    return tuple(RawInstruction(c.cmd or "", tuple(c.flags), tuple(c.value), bool(c.json),
                                c.start_line, c.end_line) for c in commands)


def fixer_read(text: str) -> Outcome:
    try:
        return tuple(read(text))
    except BadDockerfile as exc:
        return exc.message


def buildkit_stage_instructions(file: TextFile) -> list[Instruction]:
    """What parse() must put in the stages, built from BuildKit's line spans: an instruction
    runs from its keyword to the end of its last line, the newline excluded."""
    text = file.text
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    found = []
    expected = buildkit_read(text)
    assert isinstance(expected, tuple)
    for raw in expected:
        first = lines[raw.line - 1]
        start = offsets[raw.line - 1] + len(first) - len(first.lstrip(" \t"))
        end = offsets[raw.end_line - 1] + len(lines[raw.end_line - 1].removesuffix("\r"))
        found.append(Instruction(raw.cmd.upper(), raw.values, raw.json, raw.flags, raw.line,
                                 raw.end_line, min(start, end), end))
    first_from = next((i for i, each in enumerate(found) if each.cmd == "FROM"), len(found))
    return found[first_from:]


def assert_same_as_buildkit(file: TextFile) -> None:
    expected = buildkit_read(file.text)
    assert fixer_read(file.text) == expected
    if isinstance(expected, str):
        with pytest.raises(InputError, match="invalid Dockerfile: ") as error:
            parse(file)
        assert error.value.message == f"invalid Dockerfile: {expected}"
    else:
        ours = [i for stage in parse(file).stages for i in stage.instructions]
        assert ours == buildkit_stage_instructions(file)


def is_dockerfile(path: Path) -> bool:
    name = path.name.lower()
    return name == "dockerfile" or name.endswith(".dockerfile") or name.startswith("dockerfile.")


REPOSITORY_DOCKERFILES = sorted(p for top in ("golden", "examples", "tests")
                                for p in (REPO / top).rglob("*")
                                if p.is_file() and is_dockerfile(p))


@pytest.mark.slow  # BuildKit parses every Dockerfile of the repository
def test_every_dockerfile_in_the_repository_parses_as_buildkit_parses_it() -> None:
    names = {p.relative_to(REPO).as_posix() for p in REPOSITORY_DOCKERFILES}
    # Not vacuous: the seed fleet and the golden cases with heredocs and `# escape=` are here.
    assert {"examples/seed-fleet/auth_service/Dockerfile",
            "golden/D002-shell-form-cmd/heredoc-crlf/before/api/Dockerfile",
            "golden/D002-shell-form-cmd/escape-directive-backtick/before/api/Dockerfile"} <= names
    mismatches = []
    for path in REPOSITORY_DOCKERFILES:
        file = decode(path.relative_to(REPO).as_posix(), path.read_bytes())
        if fixer_read(file.text) != buildkit_read(file.text):
            mismatches.append(file.path)
        else:
            assert_same_as_buildkit(file)
    assert mismatches == []


# Generated Dockerfiles: instructions built from the grammar's pieces, and a soup of its tokens.
# (Strategies are built once: building them inside a draw is what makes generation slow.)
COMMAND = st.sampled_from(["FROM", "RUN", "run", "CMD", "COPY", "ADD", "ENV", "LABEL", "ARG",
                           "EXPOSE", "HEALTHCHECK", "ONBUILD", "ENTRYPOINT", "SHELL", "VOLUME",
                           "WORKDIR", "USER", "STOPSIGNAL", "MAINTAINER", "From", "UNKNOWN"])
FLAGS = st.lists(st.sampled_from(["--from=build", '--chown="a b"', "--link", "--", "-x",
                                  "--mount=type=cache,target=/c"]), max_size=2)
ARGS = st.lists(st.sampled_from([
    "a", "b=c", '"x y"', "'s t'", "=", '"', "$V", "${V}", "${V:-d e}", "${", "<<EOF", "<<-EOF",
    "<<'EOF'", '<<"EOF"', "3<<EOF", "<<", "\\", "`", "\\\\", '["a", "b"]', '["a", 1]', "[", "[]",
    '["x"] y', "#", "&&", "CMD", "NONE", "é", "\u00a0", "\t"]), max_size=5)
INDENT = st.sampled_from(["", "  ", "\t"])
TRAILING = st.sampled_from(["", " ", "\t"])
CONTINUATIONS = st.integers(0, 3)
NOISE = st.lists(st.sampled_from(["# comment", "  # indented comment", "", "   ", "\t"]),
                 max_size=2)
CONTINUED = st.sampled_from(["  && b", "b", "c=d", "", '"x y"', "EOF"])
BODY = st.lists(st.sampled_from(["body $x", "\tEOF", "  EOF"]), max_size=2)
TERMINATOR = st.lists(st.sampled_from(["EOF", "\tEOF", "EOF "]), max_size=1)
DIRECTIVES = st.lists(st.sampled_from(["# syntax=docker/dockerfile:1", "#escape=\\", "# other=1",
                                       "# ESCAPE = `", "#", ""]), max_size=2)
ESCAPE = st.sampled_from(["\\", "`"])
NEWLINE = st.sampled_from(["\n", "\r\n"])
INSTRUCTIONS = st.integers(1, 5)


@st.composite
def instruction_lines(draw: st.DrawFn, escape: str) -> list[str]:
    words = [draw(COMMAND), *draw(FLAGS), *draw(ARGS)]
    lines = [draw(INDENT) + " ".join(words) + draw(TRAILING)]
    for _ in range(draw(CONTINUATIONS)):   # continuation lines, comments and blanks among them
        lines[-1] += escape + draw(TRAILING)
        lines += draw(NOISE)
        lines.append(draw(CONTINUED))
    if any("<<" in word for word in words):      # a heredoc body, terminated or not
        lines += draw(BODY) + draw(TERMINATOR)
    return lines


@st.composite
def dockerfiles(draw: st.DrawFn) -> str:
    escape, newline = draw(ESCAPE), draw(NEWLINE)
    lines = (["# escape=`"] if escape == "`" else []) + draw(DIRECTIVES)
    for _ in range(draw(INSTRUCTIONS)):
        lines += draw(instruction_lines(escape))
    return newline.join(lines) + draw(st.sampled_from(["", newline, newline * 2]))


SOUP = ["RUN ", "COPY ", "ADD ", "FROM a\n", "ONBUILD ", "ENV ", "ARG ", "HEALTHCHECK ", "CMD ",
        "<<", "<<-", "EOF", "-", "\\", "`", "\n", "\r\n", "\r", "#", "# escape=`\n", '"', "'", "[",
        "]", ",", "$", "${", "}", ":", " ", "\t", "\v", "\u3000", "=", "x", "1", "--f=", "é",
        "\\u", "d800", "1e999"]


@pytest.mark.slow   # 3 to 10 s: generating the texts costs more than parsing them
@settings(max_examples=500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(dockerfiles(), st.lists(st.sampled_from(SOUP), max_size=50).map("".join)))
def test_generated_dockerfiles_parse_as_buildkit_parses_them(text: str) -> None:
    # the cross-check's BuildKit predates v0.22, which reads `<< EOF` (blanks after `<<`) as
    # a heredoc: those texts are the cases of `test_a_heredoc_name_may_follow_blanks`
    assume(buildkit_read(text) is not None and not BLANK_HEREDOC.search(text))
    assert_same_as_buildkit(TextFile("Dockerfile", text))


BLANK_HEREDOC = re.compile(r"<<[ \t\r]")


@pytest.mark.parametrize("text, expected", [
    pytest.param("FROM a\nRUN cat > /f << 'EOF'\nworker_processes auto;\nEOF\nCMD x\n",
                 [("FROM", ("a",), False, (), 1, 1),
                  ("RUN", ("cat > /f << 'EOF'",), False, (), 2, 4),
                  ("CMD", ("x",), False, (), 5, 5)], id="a-blank-after-the-arrows"),
    pytest.param("FROM a\nRUN python - <<\t PY\nprint(1)\nPY\n",
                 [("FROM", ("a",), False, (), 1, 1),
                  ("RUN", ("python - <<\t PY",), False, (), 2, 4)], id="blanks-and-a-tab"),
    # `<<-` then a blank: the blank ends the word, and `<<-` alone names no heredoc
    pytest.param("FROM a\nRUN cat <<- EOF\nCMD x\n",
                 [("FROM", ("a",), False, (), 1, 1), ("RUN", ("cat <<- EOF",), False, (), 2, 2),
                  ("CMD", ("x",), False, (), 3, 3)], id="a-blank-after-the-chomping-dash"),
])
def test_a_heredoc_name_may_follow_blanks(text: str, expected: list[tuple[object, ...]]) -> None:
    """BuildKit v0.22 (moby/buildkit #5817) keeps the blanks after `<<` in the word, so
    `RUN cat > /f << 'EOF'` opens a heredoc whose body is no instruction."""
    assert fields(text) == expected


# Each grammar feature on its own: (text, [(cmd, value, json, flags, line, end_line)]).
def fields(text: str) -> list[tuple[object, ...]]:
    return [(r.cmd, r.values, r.json, r.flags, r.line, r.end_line) for r in read(text)]


@pytest.mark.parametrize("text, expected", [
    pytest.param("from a AS b\nrun x\n", [("from", ("a", "AS", "b"), False, (), 1, 1),
                                          ("run", ("x",), False, (), 2, 2)], id="lower-case"),
    pytest.param("FROM a\nRUN a \\\n# c\n\n   \n  && b\n",
                 [("FROM", ("a",), False, (), 1, 1), ("RUN", ("a   && b",), False, (), 2, 6)],
                 id="continuation-with-comment-and-blank-lines"),
    pytest.param("FROM a\nRUN a \\ \t\n b\n", [("FROM", ("a",), False, (), 1, 1),
                                               ("RUN", ("a  b",), False, (), 2, 3)],
                 id="continuation-with-trailing-whitespace"),
    pytest.param("FROM a\nRUN a \\\\\nCMD b\n", [("FROM", ("a",), False, (), 1, 1),
                                                 ("RUN", ("a \\\\",), False, (), 2, 2),
                                                 ("CMD", ("b",), False, (), 3, 3)],
                 id="escaped-escape-is-no-continuation"),
    pytest.param("# escape=`\r\nFROM a\r\nRUN dir c:\\ `\r\n  /b\r\n",
                 [("FROM", ("a",), False, (), 2, 2), ("RUN", ("dir c:\\   /b",), False, (), 3, 4)],
                 id="escape-directive-crlf"),
    pytest.param("FROM a\n# escape=`\nRUN a `\nCMD b\n",
                 [("FROM", ("a",), False, (), 1, 1), ("RUN", ("a `",), False, (), 3, 3),
                  ("CMD", ("b",), False, (), 4, 4)], id="escape-directive-only-at-the-top"),
    pytest.param("FROM a\nRUN <<EOF\n\tEOF\nEOF\nCMD x\n",
                 [("FROM", ("a",), False, (), 1, 1), ("RUN", ("<<EOF",), False, (), 2, 4),
                  ("CMD", ("x",), False, (), 5, 5)], id="heredoc"),
    pytest.param("FROM a\nCOPY <<A <<-B /d/\na\nA\nb\n\tB\n",
                 [("FROM", ("a",), False, (), 1, 1),
                  ("COPY", ("<<A", "<<-B", "/d/"), False, (), 2, 6)],
                 id="two-heredocs-one-chomped"),
    pytest.param("FROM a\nRUN [\"sh\", \"<<EOF\"]\nEOF\n",
                 [("FROM", ("a",), False, (), 1, 1), ("RUN", ("sh", "<<EOF"), True, (), 2, 2),
                  ("EOF", ("",), False, (), 3, 3)], id="no-heredoc-in-exec-form"),
    pytest.param("FROM a\nRUN echo '<<EOF\nCMD x\n",
                 [("FROM", ("a",), False, (), 1, 1), ("RUN", ("echo '<<EOF",), False, (), 2, 2),
                  ("CMD", ("x",), False, (), 3, 3)], id="no-heredoc-in-an-unsplittable-line"),
    pytest.param('FROM a\nCMD ["uvicorn", "m:app"] trailing\nCMD ["a",]\n',
                 [("FROM", ("a",), False, (), 1, 1), ("CMD", ("uvicorn", "m:app"), True, (), 2, 2),
                  ("CMD", ('["a",]',), False, (), 3, 3)], id="json-and-shell-form"),
    pytest.param("FROM a AS b\nCOPY --from=b --chown=\"1 2\" x /y/\n",
                 [("FROM", ("a", "AS", "b"), False, (), 1, 1),
                  ("COPY", ("x", "/y/"), False, ("--from=b", "--chown=1 2"), 2, 2)], id="flags"),
    pytest.param("FROM a\nENV A=1 B=\"2 3\"\nENV C 4 5\nLABEL x=y\nARG D E=6\nEXPOSE 80 443/tcp\n",
                 [("FROM", ("a",), False, (), 1, 1),
                  ("ENV", ("A", "1", "B", '"2 3"'), False, (), 2, 2),
                  ("ENV", ("C", "4 5"), False, (), 3, 3), ("LABEL", ("x", "y"), False, (), 4, 4),
                  ("ARG", ("D", "E=6"), False, (), 5, 5),
                  ("EXPOSE", ("80", "443/tcp"), False, (), 6, 6)],
                 id="name-value-instructions"),
    pytest.param("FROM a\nHEALTHCHECK --interval=5s CMD curl -f x\nHEALTHCHECK CMD [\"a\"]\n"
                 "HEALTHCHECK NONE\n",
                 [("FROM", ("a",), False, (), 1, 1),
                  ("HEALTHCHECK", ("CMD", "curl -f x"), False, ("--interval=5s",), 2, 2),
                  ("HEALTHCHECK", ("CMD", "a"), True, (), 3, 3),
                  ("HEALTHCHECK", ("NONE",), False, (), 4, 4)],
                 id="healthcheck"),
    pytest.param("FROM a\nONBUILD COPY --from=b x y\nONBUILD\n",
                 [("FROM", ("a",), False, (), 1, 1), ("ONBUILD", ("x", "y"), False, (), 2, 2),
                  ("ONBUILD", (), False, (), 3, 3)], id="onbuild"),
    pytest.param("ARG V=3.12\nFROM python:$V\n", [("ARG", ("V=3.12",), False, (), 1, 1),
                                                  ("FROM", ("python:$V",), False, (), 2, 2)],
                 id="arg-before-from"),
    pytest.param("\ufeffFROM a   \nRUN x \t\n", [("FROM", ("a",), False, (), 1, 1),
                                                ("RUN", ("x",), False, (), 2, 2)],
                 id="bom-and-trailing-whitespace"),
])
def test_grammar_feature(text: str, expected: list[tuple[object, ...]]) -> None:
    assert fields(text) == expected


def test_bom_is_stripped_before_parsing() -> None:
    file = decode("Dockerfile", b"\xef\xbb\xbfFROM a\r\nCMD [\"x\"]\r\n")
    (stage,) = parse(file).stages
    assert [(i.cmd, i.line, file.text[i.start:i.end]) for i in stage.instructions] == [
        ("FROM", 1, "FROM a"), ("CMD", 2, 'CMD ["x"]')]


@pytest.mark.parametrize("text, expected", [
    pytest.param("FROM a AS base\nCMD x\nFROM base AS release\nENV A=1\n", "CMD x",
                 id="inherited"),
    pytest.param("FROM a AS base\nCMD x\nFROM base\nENTRYPOINT [\"y\"]\n", None,
                 id="an-own-entrypoint-resets-it"),
    pytest.param("FROM a AS base\nCMD x\nFROM base\nENTRYPOINT [\"y\"]\nCMD z\n", "CMD z",
                 id="own-cmd-beside-own-entrypoint"),
    pytest.param("FROM a\nCMD x\nFROM a\n", None, id="not-built-from-the-stage"),
])
def test_the_cmd_in_force_is_inherited_as_docker_inherits_it(text: str,
                                                             expected: str | None) -> None:
    dockerfile = parse(TextFile("Dockerfile", text))
    found = cmd_in_force(dockerfile, dockerfile.stages[-1])
    assert (dockerfile.text_of(found) if found is not None else None) == expected


def test_the_run_time_environment_has_env_of_the_chain_and_no_bare_arg() -> None:
    text = ("FROM a AS base\nENV HOST=0.0.0.0\nARG WORKERS=2\nFROM base\nARG PORT=8080\n"
            "ARG DEBUG=0\nENV APP_PORT=${PORT}\n")
    dockerfile = parse(TextFile("Dockerfile", text))
    assert run_env(dockerfile, dockerfile.stages[-1]).values == {"HOST": "0.0.0.0",
                                                                 "APP_PORT": "8080"}


def test_offsets_cover_a_heredoc_body_and_exclude_the_line_ending() -> None:
    text = "FROM a\r\n  RUN <<EOF\r\necho hi\r\nEOF\r\nCMD x"
    dockerfile = parse(TextFile("Dockerfile", text))
    run, cmd = dockerfile.stages[0].instructions[1:]
    assert dockerfile.text_of(run) == "RUN <<EOF\r\necho hi\r\nEOF"
    assert dockerfile.text_of(cmd) == "CMD x"


@pytest.mark.parametrize("text, line, message", [
    pytest.param("", 1, "file with no instructions", id="empty"),
    pytest.param("# only\n# comments\n", 2, "file with no instructions", id="only-comments"),
    pytest.param("FROM a\nRUN x\nENV A\n", 3, "ENV must have two arguments", id="env-one-word"),
    pytest.param("FROM a\nLABEL a=b \\\n  c\n", 2,
                 "Syntax error - can't find = in \"c\". Must be of the form: name=value",
                 id="label-word-without-equals"),
    pytest.param('FROM a\n\nCMD ["a", 1]\n', 3,
                 "when using JSON array syntax, arrays must be comprised of strings only",
                 id="json-not-strings"),
    pytest.param("FROM a\nRUN <<EOF\necho\n", 2, "unterminated heredoc", id="unterminated-heredoc"),
    pytest.param("# escape=`\n# escape=\\\nFROM a\n", 2,
                 "only one escape parser directive can be used", id="directive-twice"),
    pytest.param("# syntax=x\n# escape=x\nFROM a\n", 2,
                 "invalid escape token 'x' does not match ` or \\", id="bad-escape-token"),
    pytest.param("FROM a\nRUN " + "x" * 65532 + "\n", 2,
                 "dockerfile line greater than max allowed size of 65535", id="line-too-long"),
])
def test_what_buildkit_rejects_is_an_input_error_on_its_line(text: str, line: int,
                                                             message: str) -> None:
    assert buildkit_read(text) == message
    with pytest.raises(InputError) as error:
        parse(TextFile("svc/Dockerfile", text))
    assert (error.value.path, error.value.line, error.value.message) == (
        "svc/Dockerfile", line, f"invalid Dockerfile: {message}")


@pytest.mark.parametrize("text", [
    pytest.param("FROM a\nRUN x \\", id="escape-at-end-of-file"),
    pytest.param("FROM a\nNOTANINSTRUCTION x\n", id="unknown-instruction"),
    pytest.param("FROM a\nRUN " + "x" * 65531 + "\n", id="longest-line", marks=pytest.mark.slow),
    pytest.param("FROM a\n\\\n", id="lone-escape"),
])
def test_what_buildkit_accepts_parses(text: str) -> None:
    assert isinstance(buildkit_read(text), tuple)
    assert_same_as_buildkit(TextFile("Dockerfile", text))


@pytest.mark.slow  # a fresh interpreter
def test_fixer_checks_the_seed_fleet_without_the_buildkit_package() -> None:
    """The package is a test extra only: blocking its import changes nothing for fixer."""
    code = ("import sys; sys.modules['dockerfile'] = None\n"
            "from fixer.cli import main\n"
            f"sys.exit(main(['check', {str(SEED_FLEET)!r}, '--format', 'json']))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == [] and any(f["code"] == "D003" for f in report["findings"])
