"""A start script's command lines and a line's commands, read as the shell reads them: a
quote open at a line's end runs on into the next (`python -c "` and its program), a
here-document's body is data, and a separator inside quotes is the quoted program's."""

from __future__ import annotations

from fixer.model.startscript import logical_lines
import pytest

from fixer.sources.launch import run_in_turn, shell_jobs

SCRIPT = """#!/bin/sh
python3 -c "
conn = connect()
conn.close(); print('a # b')
"
cat <<-'EOF' > /tmp/motd
	if ready()
	EOF
tr a b <<< "$x"
exec uvicorn app:app \\
  --port 8000
"""


def test_lines_run_on_through_open_quotes_and_skip_here_documents() -> None:
    assert [line for line, _end in logical_lines(SCRIPT)] == [
        "#!/bin/sh",
        "python3 -c \"\nconn = connect()\nconn.close(); print('a # b')\n\"",
        "cat <<-'EOF' > /tmp/motd",
        'tr a b <<< "$x"',
        "exec uvicorn app:app \\\n  --port 8000",
    ]


def test_each_line_ends_where_its_text_ends() -> None:
    for line, end in logical_lines(SCRIPT):
        assert SCRIPT[end - len(line):end] == line


def test_a_separator_inside_quotes_is_the_programs() -> None:
    assert shell_jobs("python -c \"import a; a.run()\" && exec uvicorn m:app & echo 'x;y'") == [
        (["python", "-c", "import a; a.run()"], False), (["exec", "uvicorn", "m:app"], True),
        (["echo", "x;y"], False)]


@pytest.mark.parametrize(("script", "steps"), [
    ("/wait && /app/start.sh", [["/wait"], ["/app/start.sh"]]),
    ("alembic upgrade head; exec /start.sh --reload", [["alembic", "upgrade", "head"],
                                                        ["exec", "/start.sh", "--reload"]]),
    ("echo 'a || b' && /start.sh", [["echo", "a || b"], ["/start.sh"]]),
    ("/wait || /start.sh", None),           # the script runs only if the wait fails
    ("worker.sh & /start.sh", None),        # the first goes on in the background
    ("/wait && '/start.sh", None),          # a quote left open: no command fixer can read
    ("", None),
])
def test_commands_run_in_turn_only_where_each_runs_to_its_end(
        script: str, steps: list[list[str]] | None) -> None:
    assert run_in_turn(script) == steps
