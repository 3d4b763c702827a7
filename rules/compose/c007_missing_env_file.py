"""A service's `env_file` names a file the repository does not hold, and nothing documents it.

## What it does
Resolves every `env_file` entry of the stack's services (short form, a list, or the long
form's `path`) from the stack's project folder, as Compose does, and reports a file that
Compose requires (every entry but one marked `required: false`) and that the repository
does not hold, when no example of it documents what it sets: for a `.env`, an example file
(see C006: `.env.example`, `.env.sample`, `example.env`, ...) in its folder; for any, a
file beside it named after it with a word that says it is a template (`notes.env.example`,
`app.env.sample`, `develop-demo.env` for `develop.env`, `env.pgadmin.example` for
`.env.pgadmin`, its leading dot dropped as in `env.example`; a `.env.example` says to write a
`.env`, not the `.env.dev` a service loads, and a `.env.prod.template`, or an example whose
first lines say "Copy this file to .env.prod", a `.env.prod`, not the `.env`), and when
nothing tells a checkout to write
it: the project folder's example file naming its path (`# copy to monitor/.env`), or a
Markdown file of the
repository's root, the project folder or their `docs/` with a line that names it and
says to write it (`cp .env.example monitor/.env`, "create a `.env` file", "set up the
variables in a `.env` file", "add the following environment variables to your .env
file", "add your api keys in .env", not "add `.env` to your `.gitignore`"; "the script creates `.env.development`", in
other languages too: "Создайте файл `.env-non-dev`", "erstellen Sie die `.env`", "(.env 파일이 없으면
생성)"; or by its name and
the folder it goes in, "the `postgres.env` file should be located in the
`envs_for_docker` directory", or under a heading that names its folder: "### Backend
setup", then "Create `.env.dev` from `.env.template`"), or that renames files by a
pattern that makes it from one beside it ("Change all the dev.*.env files to *.env" beside
`dev.redis.env`, or `dev.env` for a `.env`), or that
names it and lists its variables in a code block or list items ("Example of the .env
file:", then `DB_USER=app`), or whose code block writes it as a CI step would (`echo
"SECRET_KEY=..." >> .env`, below), or a Makefile, task file or shell script there (or in their
`scripts/`) with a command that writes it (`cp -n config/.env.template .env` in a make
target, `cat > .env`), or a CI workflow's step that does so a checkout can follow (`run: cp
.env.dev .env`, variables written by name, a heredoc's lines too, `cat > .env <<EOF`; not
a secret's text, `echo "$ENV_FILE" > .env`;
named from the root, where CI runs), or a file beside it whose first lines say to make
this file into it (`rename_this_to_env.py` opening with `# rename this file to .env`), or
a comment of the compose file itself (`# create dev.env with the following values:`). A
guide may name the file from the project folder, or from the root in a line that says to
write it (`touch app/.env.db` for `../app/.env.db` of `docker/compose.yaml`), and with alternatives
(`.env.{dev|prod}`). A copy from a file the
repository does not hold (`cp .env.example .env` with no `.env.example`) tells nothing: the
finding names that step. One finding per missing file and compose file, at its first
entry, naming every service that loads it.

The path counts as held or documented when it is, resolved from a folder Compose may
resolve the file's paths from, as S001 reads builds: the `--project-directory` a build
script gives, or the folder of a compose file above it, loaded before it with `-f`.

Left alone: a service under `profiles:` (Compose reads its env files only when a profile
starts it), a path that reads a variable (which file it is depends on the run), a path
outside the repository (`../shared.env`, `/etc/app.env`: the host's), and entries of a
compose file named for a deployment (`docker-compose.prod.yml`, `compose.staging.yaml`,
`deploy/`), whose env files hold the secrets of the host that runs them.

## Why is this bad?
Compose refuses the whole project before it starts anything: `docker compose up`
stops with "env file ... not found" on every fresh clone, and with no example nobody
can tell which variables the file must set.

## Example
```yaml
services:
  api:
    build: ./api
    env_file: .env      # gitignored, and no .env.example
```

## Use instead
Commit an example for each checkout to copy (`cp .env.example .env`), or mark an
entry the service runs without as optional:
```yaml
services:
  api:
    build: ./api
    env_file:
      - path: .env
        required: false
```

## Fix safety
Display-only: which variables the file must set, and whether the service runs
without it, only its authors know.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from fixer.core.anycase import Lowered, holds_any_case, lowered
from fixer.core.derived import Memo
from fixer.core.envfile import interpolate
from fixer.core.lazyre import lazy_compile
from fixer.core.tree_index import files_in, within
from fixer.facts.envvars.examples import (
    EXAMPLE_WORD,
    examples,
    guide_names,
    guide_text,
    guides,
    loaded_env_files,
    setup_files,
)
from fixer.facts.envvars.dotenvwrites import heredoc_body
from fixer.facts.image.buildscripts import CI_FILE, project_directories
from fixer.model.rule import Category, Safety, Severity, Violation
from fixer.model.services import Stack, env_file_entry_nodes
from fixer.model.stacks import folders_above
from fixer.model.workspace import Workspace
from fixer.sources.compose import ComposeDoc

CODE = "C007"
NAME = "missing-env-file"
CATEGORY = Category.COMPOSE
SEVERITY = Severity.ERROR
SAFETY = (Safety.DISPLAY,)

# a compose file or folder named for where it is deployed: its env files are the host's
_DEPLOYMENT = lazy_compile(r"(?:^|[._/-])(?:prod|production|staging|stage|deploy|"
                           r"deployment|release|live)(?:[._/-]|$)", re.I)


@dataclass
class _Missing:
    """One missing file as one compose file names it: where first, and who loads it."""

    doc: ComposeDoc
    line: int
    column: int
    shown: str
    folder: str   # the project folder it is resolved from
    services: list[str] = field(default_factory=list)


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: dict[tuple[str, str], _Missing] = {}
    for stack in ws.stacks:
        loaded = loaded_env_files(stack)
        for service in stack.services.values():
            if service.get("profiles") is not None:
                continue   # Compose reads its env_file only when a profile starts it
            for doc, value in service.all("env_file"):
                if _DEPLOYMENT.search(doc.path):
                    continue
                others = _other_folders(ws, doc)
                for node, raw, path, required in env_file_entry_nodes(
                        doc, value, stack.dotenv, stack.folder):
                    if not required or "$" in raw or not _in_repository(path) or \
                            _told_in_comments(doc, raw) or \
                            any(_present(ws, stack, raw, folder, loaded)
                                for folder in [stack.folder, *others]):
                        continue
                    missing = seen.setdefault(
                        (doc.path, path),
                        _Missing(doc, doc.line(node.node), doc.column(node.node), raw,
                                 stack.folder))
                    if service.name not in missing.services:
                        missing.services.append(service.name)
    for (_, path), missing in seen.items():
        beside = [e for e in examples(ws, posixpath.dirname(path), set())
                  if not _template_of_another(ws, e)]
        yield _violation(path, missing, beside[0] if beside else None,
                         _unfollowable(ws, missing.folder, path))


def _violation(path: str, missing: _Missing, beside: str | None,
               unfollowable: str | None) -> Violation:
    """`beside`: an example file in the missing file's folder, which documents a `.env`
    there, not this file: the message names it, as a checkout may be meant to copy it.
    `unfollowable`: a step of the docs that writes it by copying a file not held."""
    names = missing.services
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    their = "its" if len(names) == 1 else "their"
    told = (f", and nothing says to write it from {beside} beside it, an example of a "
            "`.env`" if beside else " and neither an example file nor its docs tell a "
            "checkout to write")
    if unfollowable is not None and beside is None:
        told = f", and {unfollowable} copies a file the repository does not hold either"
    # where the path as written reads as another file (`./.env` of docker/compose.yaml,
    # beside a `.env` at the root): the file Compose looks for, by its place
    written = posixpath.normpath(missing.shown)
    shown = f"`{missing.shown}`" if written == path else f"`{missing.shown}` ({path})"
    return Violation(
        message=(f"{who} load{'s' if len(names) == 1 else ''} {shown} as {their} "
                 f"env_file, which the repository does not hold{told}: `docker compose up` "
                 "stops at once (\"env file ... not found\")"),
        path=missing.doc.path, line=missing.line, column=missing.column,
        service=names[0], stops=tuple(names),
        subject=f"env_file {path}",
        reason=("which variables it must set only its authors know: commit an example for "
                "each checkout to copy, or mark the entry `required: false` where the "
                "service runs without it"))


def _other_folders(ws: Workspace, doc: ComposeDoc) -> list[str]:
    """The other folders Compose may resolve the file's paths from, as S001 reads its
    builds: a `--project-directory` of the build scripts, and the folder of a compose file
    above it, loaded before it with `-f` (`-f docker-compose.yml -f svc/api/compose.yml`)."""
    folder = posixpath.dirname(doc.path)
    return [f for f in dict.fromkeys([*project_directories(ws),
                                      *folders_above(ws.compose_docs, folder)])
            if f != folder]


def _told_in_comments(doc: ComposeDoc, raw: str) -> bool:
    """A comment of the compose file that loads it says to write it, naming it as the entry
    does (`# create dev.env with the following values:` above `env_file: dev.env`): the
    file a checkout runs tells it."""
    comments = doc.file.derived.get(_COMMENTS, lambda: "\n".join(
        line for line in doc.file.text.splitlines() if line.lstrip().startswith("#")))
    return bool(comments) and \
        _told_line(posixpath.normpath(raw)).search(comments) is not None


# per compose file: its comment lines (each env_file entry's finding reads them)
_COMMENTS: Memo[str] = Memo("comment lines of a compose file")


def _present(ws: Workspace, stack: Stack, raw: str, folder: str, loaded: set[str]) -> bool:
    """The file, resolved from `folder`, exists, or an example or the docs tell a checkout
    to write it."""
    path = posixpath.normpath(posixpath.join(folder, interpolate(raw, stack.dotenv)))
    return _in_repository(path) and (ws.tree.exists(path) or _documented(ws, path, loaded)
                                      or _told(ws, folder, path, loaded))


def _told(ws: Workspace, folder: str, path: str, loaded: set[str]) -> bool:
    """The project's example file names the file (`# copy to monitor/.env`), or a Markdown
    file of the repository's root, the project folder or their `docs/` says to write it
    (`cp .env.example monitor/.env`, "create a `.env` file"): a checkout is told. Named
    from the project folder, or from the root where a reader stands (`app/.env.postgres`
    for `../app/.env.postgres` of `docker/compose.yaml`)."""
    named = posixpath.relpath(path, folder or ".")
    # from the root, a line must say to write it: a README that names `.env.dev` in a
    # command that reads it and lists some variable elsewhere says nothing of its content
    return _told_as(ws, folder, path, named, loaded) or \
        (path != named and _told_as(ws, folder, path, path, loaded, listed=False)) or \
        _told_beside(ws, folder, path) or _told_in_section(ws, folder, path) or \
        _template_beside(ws, path) or _written_in_ci(ws, path)


def _written_in_ci(ws: Workspace, path: str) -> bool:
    """A CI workflow's step writes the file before it runs Compose, in a way a checkout can
    follow: it copies a file the repository holds (`run: cp .env.dev .env`), or writes
    variables by name (`echo "DATABASE_URL=..." >> .env`, or the lines of a heredoc: `cat
    > .env <<EOF`), or an empty one. Not one that writes a secret's text (`echo "$ENV_FILE"
    > .env`): what it holds is nowhere in the repository. A step runs from the root, and
    names the file from there."""
    written = _written_by(path)
    return any(_writes_followably(ws, "", written, guide_text(ws, ci)) for ci in _ci_files(ws))


def _writes_followably(ws: Workspace, folder: str, written: _Naming, text: str) -> bool:
    """A command of `text` writes the file so that a checkout can follow it (`_FOLLOWABLE_
    WRITE`), and copies no file the repository does not hold."""
    for _start, end, line in _matched(ws, written, text):
        writes = line + heredoc_body(text, line, end)
        if _FOLLOWABLE_WRITE.search(writes) is not None and \
                not _copies_missing(ws, folder, line):
            return True
    return False


# a write a checkout can follow: a copy, an empty file (`touch .env`), or a variable by name
# (`DATABASE_URL=...`)
_FOLLOWABLE_WRITE = lazy_compile(r"(?:^|[\s;&|(`])(?:cp|mv|touch)\s|(?<![\w$])[A-Za-z_]\w*=")


def _ci_files(ws: Workspace) -> list[str]:
    return [p for p in [*files_in(ws.tree, ".github/workflows"), ".gitlab-ci.yml",
                        ".gitlab-ci.yaml"] if CI_FILE.search(p) and ws.tree.exists(p)]


def _told_as(ws: Workspace, folder: str, path: str, named: str, loaded: set[str],
             listed: bool = True) -> bool:
    """As `_told` says, of the file named `named`; `listed`: a guide that names it and
    lists variables counts too."""
    if "/" in named and any(named in _text(ws, e) for e in examples(ws, folder, loaded)):
        return True
    told = _told_line(named)
    word = _named_word(named)
    texts = [_spelled(ws, guide) for guide in guides(ws, folder)]
    written = _written_by(named)
    # `named in text` first: the word is the name as written, and most guides lack it
    if any(_followable(ws, folder, told, text)
           or (listed and named in text and word.search(text) and guide_names(ws, text))
           or _renamed_by_pattern(ws, path, text)
           or _writes_followably(ws, folder, written, text) for text in texts):
        return True   # the last: a step of a code block (`echo "SECRET_KEY=..." >> .env`)
    inner, name = posixpath.split(named)
    if inner and any(_followable(ws, folder, _placed_line(inner, name), text)
                     for text in texts):
        return True   # "The `postgres.env` file should be located in the `envs/` directory"
    if inner and any(_followable(ws, posixpath.join(folder, inner), pattern, steps)
                     for text in texts for steps in _steps_in(ws, inner, text)
                     for pattern in (_told_line(name), _written_by(name))):
        return True   # `cd backend`, then `echo "SECRET_KEY=..." > .env`
    return any(_followable(ws, folder, written, guide_text(ws, setup))
               for setup in setup_files(ws, folder))


# a Markdown heading line: its text
_HEADING = lazy_compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+(.*)$")


def _told_in_section(ws: Workspace, folder: str, path: str) -> bool:
    """A guide's section about the file's folder says to write it by its own name: under
    "### Backend setup", "Create `.env.dev` from `.env.template`" writes `backend/.env.dev`.
    The heading names the folder as a word of its own; a line under another heading (the
    root's setup) says nothing of this folder's file."""
    inner, name = posixpath.split(path)
    if not inner:
        return False
    place = re.compile(r"(?i)(?<![\w-])" + re.escape(posixpath.basename(inner)) + r"(?![\w-])")
    told = _told_line(name)
    for guide in guides(ws, folder):
        text = _spelled(ws, guide)
        found = _matched(ws, told, text)
        starts, titles = _headings(ws, text) if found else ((), ())
        for start, _end, line in found:
            above = bisect_left(starts, start)   # the headings that start before the line
            if above and place.search(titles[above - 1]) and \
                    not _copies_missing(ws, inner, line):
                return True
    return False


def _headings(ws: Workspace, text: str) -> tuple[list[int], list[str]]:
    """Where each Markdown heading of the text starts, and its text; once per text and
    workspace, as every missing file asks of every guide."""
    def find() -> tuple[list[int], list[str]]:
        found = list(_HEADING.finditer(text))
        return [h.start() for h in found], [h.group(1) for h in found]
    return ws.derived.keyed(_HEADINGS, text, find)


_HEADINGS: Memo[dict[str, tuple[list[int], list[str]]]] = Memo("guide headings")


def _template_beside(ws: Workspace, path: str) -> bool:
    """A file beside it whose first lines say to make it into the file: a template by an
    odd name (`rename_this_to_env.py` opening with `# rename this file to .env`)."""
    folder, name = posixpath.split(path)
    told = _told_line(name)
    return any(told.search(head) and _THIS.search(head)
               for other in files_in(ws.tree, folder)
               for head in ["\n".join(guide_text(ws, other)[:1000].splitlines()[:3])])


_THIS = lazy_compile(r"(?i)\bthis\b")


# a name written with alternatives: `.env.{dev|prod}`, `.env.{dev,prod}`: from the brace
# (the part of the name before it is found by walking back, `_NAME_CHAR`; a pattern that
# starts with it tried every position of a guide's every word, a third of a second for
# 7 MB of guides)
_BRACED = lazy_compile(r"\{([\w.-]+(?:[|,][\w.-]+)+)\}([\w./-]*)")
_NAME_CHAR = lazy_compile(r"[\w./-]")


def _spelled(ws: Workspace, guide: str) -> str:
    """The guide's text with its alternatives spelled out, once per workspace: every
    missing file of a stack asks of every guide (a repository with hundreds of Markdown
    files and dozens of services took a minute to check without it)."""
    return ws.derived.keyed(_SPELLED, guide,
                            lambda: _braces_spelled_out(guide_text(ws, guide)))


_SPELLED: Memo[dict[str, str]] = Memo("guide texts with alternatives spelled out")


def _braces_spelled_out(text: str) -> str:
    """The text with each name written with alternatives as the names it stands for
    (`.env.{dev|prod}` as `.env.dev .env.prod`): "copy `.env.example` to
    `.env.{dev|prod}`" tells a checkout to write `.env.dev`."""
    if "{" not in text:
        return text
    spelled: list[str] = []
    done = 0   # the text before it is in `spelled`
    for found in _BRACED.finditer(text):
        start = found.start()   # back to where the name starts, not into the last one's
        while start > done and _NAME_CHAR.match(text, start - 1):
            start -= 1
        before = text[start:found.start()]
        spelled += [text[done:start], " ".join(before + each + found[2]
                                               for each in re.split(r"[|,]", found[1]))]
        done = found.end()
    return "".join([*spelled, text[done:]])


def _told_beside(ws: Workspace, folder: str, path: str) -> bool:
    """A Markdown file of a folder between the project folder and the file says to write
    it, naming it from its own folder (`infrastructure/README.md`: "copy to
    `serverless/.env.development`")."""
    inner = posixpath.dirname(path)
    between: list[str] = []
    while inner and inner != folder and within(inner, folder):
        between.append(inner)
        inner = posixpath.dirname(inner)
    return any(_followable(ws, where, _told_line(posixpath.relpath(path, where)),
                           guide_text(ws, guide))
               for where in between for guide in files_in(ws.tree, where)
               if guide.lower().endswith(".md"))


# a copy or move (`cp -n .env.example .env`): its source is the word after the options
_COPY = lazy_compile(r"(?:^|[\s;&|(`$])(?:cp|mv)\s+(?:-\S+\s+)*[\"']?([\w./-]+)[\"']?\s+\S")


# a guide's step into a folder (`cd backend`, `cd ./services/api/`), and what ends the steps
# taken there: another `cd`, or the end of the code block
_CD = lazy_compile(r"(?m)^[ \t]*(?:\$[ \t]*)?cd[ \t]+[\"']?(?:\./)?([\w./-]+?)/?[\"']?[ \t]*$")
_STEPS_END = lazy_compile(r"(?m)^[ \t]*(?:```|~~~|(?:\$[ \t]*)?cd[ \t])")


def _steps_in(ws: Workspace, folder: str, text: str) -> Iterator[str]:
    """The steps a guide takes in `folder` (relative to the project folder), from the line
    that changes into it to the next `cd` or the end of its code block."""
    return (steps for into, steps in ws.derived.keyed(_STEPS, text, lambda: _every_step(text))
            if into == folder)


def _every_step(text: str) -> list[tuple[str, str]]:
    """Each `cd` of the text: the folder it goes into, and the steps taken there."""
    found = []
    for match in _CD.finditer(text):
        end = _STEPS_END.search(text, match.end())
        found.append((posixpath.normpath(match.group(1)),
                      text[match.end():end.start() if end else len(text)]))
    return found


# per workspace and guide text: its `cd` steps (`_every_step`)
_STEPS: Memo[dict[str, list[tuple[str, str]]]] = Memo("guide steps by folder")


def _followable(ws: Workspace, folder: str, line: _Naming, text: str) -> bool:
    """Lines of `text` the pattern matches, all of which a checkout can follow: none a
    copy of a file the repository does not hold (`cp .env.example .env` with no
    `.env.example`, whose `docker compose up` still stops). Where the guide makes the file
    so, its other lines ("fill in `.env` with your values") work on that copy."""
    found = _matched(ws, line, text)
    return bool(found) and not any(_copies_missing(ws, folder, each)
                                   for _start, _end, each in found)


def _matched(ws: Workspace, pattern: _Naming, text: str) -> tuple[tuple[int, int, str], ...]:
    """Each match of the pattern: where it starts, where its line ends (-1: at the end of
    the text), and the text from the one to the other. Once per workspace: each service
    that loads a file asks the same of every guide."""
    def find() -> tuple[tuple[int, int, str], ...]:
        found = []
        for match in pattern.finditer(text, ws.derived.keyed(_LOWERED, text,
                                                             lambda: lowered(text))):
            end = text.find("\n", match.start())
            found.append((match.start(), end, text[match.start():end if end >= 0 else None]))
        return tuple(found)
    return ws.derived.keyed(_MATCHED, (pattern.key, text), find)


# per workspace and guide text: the text lowered, for the words of each pattern to find
_LOWERED: Memo[dict[str, Lowered]] = Memo("guide texts in lower case")
# per workspace: (pattern's key, text) -> its matches (`_matched`)
_MATCHED: Memo[dict[tuple[tuple[str, ...], str], tuple[tuple[int, int, str], ...]]] = \
    Memo("lines of guides that name a file")


def _unfollowable(ws: Workspace, folder: str, path: str) -> str | None:
    """The first step of the docs or setup files that would write the file by copying one
    the repository does not hold: "`cp .env.example .env` (README.md)"."""
    named = posixpath.relpath(path, folder or ".")
    for pattern, where in ((_told_line(named), guides(ws, folder)),
                           (_written_by(named), setup_files(ws, folder))):
        for guide in where:
            for _start, _end, line in _matched(ws, pattern, guide_text(ws, guide)):
                if _copies_missing(ws, folder, line):
                    copy = _COPY.search(line)
                    shown = line[copy.start():].strip(" \t;&|(`$") if copy else line.strip()
                    return f"`{shown}` ({guide})"
    return None


def _copies_missing(ws: Workspace, folder: str, line: str) -> bool:
    """The line copies or moves a file of the repository that it does not hold, from the
    project folder or the root."""
    copy = _COPY.search(line)
    if copy is None or not _in_repository(copy.group(1)):
        return False
    source = copy.group(1)
    return not any(ws.tree.exists(posixpath.normpath(posixpath.join(where, source)))
                   for where in dict.fromkeys([folder, ""]))


class _Naming:
    """A pattern of lines that name one file, which matches no text that does not hold its
    name (in any case), nor the other words it needs (`words`: the folder of a line that
    places the file): compiled and run only for a text that does. A stack of a thousand
    services each with its own env file compiled a thousand such patterns (each a few ms),
    for guides that named none of them; and a line placing `.env` in a service's folder
    was looked for in every guide that names a `.env`, for each service."""

    def __init__(self, key: tuple[str, ...], words: tuple[str, ...],
                 build: Callable[[], re.Pattern[str]]) -> None:
        self.key = key   # what the pattern is of: equal keys, equal patterns
        self._words = words
        self._build = build
        self._pattern: re.Pattern[str] | None = None

    def _for(self, text: str, lowered: Lowered | None) -> re.Pattern[str] | None:
        if not all(holds_any_case(word, text, lowered) for word in self._words):
            return None
        if self._pattern is None:
            self._pattern = self._build()
        return self._pattern

    def search(self, text: str) -> re.Match[str] | None:
        pattern = self._for(text, None)
        return None if pattern is None else pattern.search(text)

    def finditer(self, text: str, lowered: Lowered | None = None) -> Iterator[re.Match[str]]:
        """The matches in `text`; `lowered`: the text's `lowered`, where it is kept."""
        pattern = self._for(text, lowered)
        return iter(()) if pattern is None else pattern.finditer(text)


def _written_by(named: str) -> _Naming:
    """A command of a setup file that writes the file (`cp -n config/.env.template .env`
    in a make target, `cat > .env <<EOF` in a script): a checkout that runs it has it."""
    return _Naming(("written", named), (named,), lambda: _writing(named))


def _writing(named: str) -> re.Pattern[str]:
    word = r"(?:\./)?" + re.escape(named) + r"(?![\w./-])"   # not `.env` of `.env.test`
    return re.compile(rf"(?m)^[^#\n]*(?:\b(?:cp|mv|touch|install)\b[^#\n]*\s|>>?\s*)"
                      rf"[\"']?{word}")


def _named_word(named: str) -> re.Pattern[str]:
    """The file's path as a word of its own (not the start of a longer name: `.env` of
    `.env.prod`; a full stop after it ends a sentence): a guide that names it and lists
    variables in a code block or list items (`Example of the .env file:`, then `MYSQL_PASSWORD=apppass`)
    shows the checkout what to write."""
    return re.compile(r"(?<![\w./-])(?:\./)?" + re.escape(named) + r"(?![\w/-]|\.\w)")


def _told_line(named: str) -> _Naming:
    """A line that names the file (its path from the project folder, as a word of its own)
    and a verb that writes it."""
    return _Naming(("told", named), (named,), lambda: _telling(named))


def _telling(named: str) -> re.Pattern[str]:
    word = _named_word(named).pattern
    verb = r"\b(?:cp|cop(?:y|ies|ied)|creat(?:e|es|ed|ing)|generat(?:e|es|ed|ing)|" \
        r"writ(?:e|es|ing)|rename[sd]?|mv|touch|set(?:ting)?[ -]?up|" \
        r"configur(?:e|es|ed|ing)|populat(?:e|es|ed|ing)|prepar(?:e|es|ed|ing))\b"
    # "add the following environment variables to your .env file" (readme.so's section):
    # variables added to the file, not a file added elsewhere (`add .env to .gitignore`)
    # "add your api keys in .env", "set your tokens in a .env file": what it holds, put in it
    added = rf"\b(?:add|put|set|fill)\b[^\n]*\b(?:variables?|keys?|values?|credentials?|" \
        rf"secrets?|tokens?|passwords?|settings?)\b[^\n]*\b(?:to|in|into)\s+" \
        rf"(?:(?:a|an|the|your)\s+)?[`'\"]?{word}"
    # "Add `.env` file with some values": a file added, not one added to a list of ignores
    file = rf"\badd\s+(?:(?:a|an|the|your)\s+)?`?{word}`?\s+file\b(?![^\n]*ignore)"
    return re.compile(rf"(?im)^(?:(?=[^\n]*(?:{verb}|{_WRITE_ELSEWHERE}))[^\n]*{word}|"
                      rf"[^\n]*{added}|[^\n]*{file})")


# the verbs that say to create, copy, rename, fill in or configure a file in the other
# languages guides are written in (Russian, Spanish, Portuguese, Italian, French, German,
# Turkish; the Chinese, Japanese and Korean ones stand inside words, with no boundary)
_WRITE_ELSEWHERE = (
    r"\b(?:созда\w*|скопир\w*|копир\w*|переименов\w*|переимену\w*|заполни(?:те|ть)?|"
    r"настро(?:йте|ить)|"
    r"cre(?:a|ar|e|are|amos)|cri(?:e|ar|a)|copi(?:a|ar|e|are|ez|er)|renombr\w*|renome\w*|"
    r"rinomin\w*|configur(?:a|ar|e|ez|er)|cré(?:ez|er|e)|renomm\w*|rempli\w*|"
    r"erstell\w*|kopier\w*|anleg\w*|umbenenn\w*|konfigurier\w*|oluştur\w*)\b|"
    # nouns too in these languages (配置, configuration, heads a list of settings): only
    # the forms a sentence uses as a verb (作成し, 생성하), and Korean's noun that ends a
    # step as its verb does ("(.env 파일이 없으면 생성)", "`.env` 생성"; not "자동 생성됩니다",
    # generated for you)
    "创建|新建|复制|拷贝|作成[しす]|コピー[しす]|생성하|생성해|복사하|작성하|만들|"
    "생성(?=[ \t]*(?:[)）.!]|$))")


def _placed_line(inner: str, name: str) -> _Naming:
    """A line that names the file by its own name and the folder it goes in, with a verb
    that writes or places it ("The `postgres.env` file should be located in the
    `/path/to/source/envs_for_docker` directory", "put `.env` in `backend/`")."""
    # the line names the folder too (`place`, in any case)
    return _Naming(("placed", inner, name), (name, inner), lambda: _placing(inner, name))


def _placing(inner: str, name: str) -> re.Pattern[str]:
    word = _named_word(name).pattern
    place = r"(?<![\w.-])(?:[\w./-]*/)?" + re.escape(inner) + r"/?(?![\w.-])"
    verb = r"\b(?:cp|cop(?:y|ies|ied)|creat(?:e|es|ed|ing)|writ(?:e|es|ing)|locat(?:e|ed)|" \
        r"plac(?:e|ed)|put|sav(?:e|ed)|stor(?:e|ed)|mv|mov(?:e|ed)|touch)\b"
    return re.compile(rf"(?im)^(?=[^\n]*{verb})(?=[^\n]*{word})[^\n]*{place}")


# a line that renames files by a pattern: "Change all the dev.*.env files to *.env",
# `rename dev.*.env to *.env`
_PATTERN_RENAME = lazy_compile(r"(?im)^[^\n]*\b(?:cp|cop(?:y|ies)|mv|move|renam(?:e|es|ing)|"
                               r"chang(?:e|es|ing))\b[^\n]*?([\w.-]*\*[\w.-]*)"
                               r"[^\n]*?\bto\s+`?([\w.-]*\*[\w.-]*)")


def _renamed_by_pattern(ws: Workspace, path: str, text: str) -> bool:
    """A guide line renames files by a pattern, and one of the repository's files beside the
    missing one becomes it (`dev.auth-redis.env` to `auth-redis.env` by "Change all the
    dev.*.env files to *.env", and `dev.env` to `.env`: the star between two dots read as
    nothing and one dot, as the guide's reader reads it)."""
    folder, name = posixpath.split(path)
    renames = ws.derived.keyed(_RENAMES, text, lambda: [
        (match.group(1), match.group(2)) for match in _PATTERN_RENAME.finditer(text)])
    bases = [posixpath.basename(other) for other in files_in(ws.tree, folder)]
    return any(_filled(target, stem) == name for source, target in renames
               for base in bases if (stem := _stem(source, base)) is not None)


def _stem(pattern: str, base: str) -> str | None:
    """What the pattern's star stands for in the file name (`auth-redis` of
    `dev.auth-redis.env` for `dev.*.env`); "" for the name with the star and a dot beside
    it left out (`dev.env`); None where the name does not match."""
    head, _star, tail = pattern.partition("*")
    if len(base) > len(head) + len(tail) and base.startswith(head) and base.endswith(tail):
        return base[len(head):len(base) - len(tail)]
    return "" if head.endswith(".") and tail.startswith(".") and base == head + tail[1:] \
        else None


def _filled(pattern: str, stem: str) -> str:
    """The pattern with its star standing for `stem`; for nothing, between two dots, one dot
    of them left (`prod.*.env` to `prod.env`)."""
    head, _star, tail = pattern.partition("*")
    if not stem and head.endswith(".") and tail.startswith("."):
        return head + tail[1:]
    return head + stem + tail


# per workspace and guide text: the patterns its lines rename files by (source, target)
_RENAMES: Memo[dict[str, list[tuple[str, str]]]] = Memo("renames by pattern")


def _text(ws: Workspace, path: str) -> str:
    file = ws.read(path)
    return "" if file is None else file.text


def _in_repository(path: str) -> bool:
    return not (path.startswith("/") or path == ".." or path.startswith("../"))


def _documented(ws: Workspace, path: str, loaded: set[str]) -> bool:
    """An example documents the file: an example file in its folder documents its `.env`
    (`.env.example` beside `orders/.env`), and a file beside it named after it as a
    template documents it (`notes.env.example`, `.env.dev.example`). The project folder's
    documents the files of that folder only: `cp .env.example orders/.env` is no step a
    reader guesses; nor is `cp .env.example .env.dev`, the file a `.env.example` says to
    write being `.env`."""
    folder, name = posixpath.split(path)
    if name == ".env" and any(not _template_of_another(ws, example)
                              for example in examples(ws, folder, loaded)):
        return True
    return any(_names_template_of(posixpath.basename(other), name)
               and not _template_of_another(ws, other) for other in files_in(ws.tree, folder))


# what names a deployment's own env file before the template word (`.env.prod.template` is
# the template of `.env.prod`, not of `.env`)
_DEPLOYMENT_WORD = lazy_compile(r"(?i)(?:prod|production|staging|stage|dev|development|test|"
                                r"testing|qa|uat|ci)(?:[._-]|$)")


def _template_of_another(ws: Workspace, example: str) -> bool:
    """The example file says, in its first lines, to copy it to another env file than the
    `.env` ("# Copy this file to .env.prod on the production host"): a template of that
    file, which says nothing of what the `.env` holds."""
    file = ws.scan(example)
    head = "\n".join(file.text.splitlines()[:5]) if file is not None else ""
    written = [posixpath.basename((m.group(1) or m.group(2)).rstrip("."))
               for m in _COPY_TARGET.finditer(head)]
    return bool(written) and ".env" not in written


# a template's own words naming the file it is copied to: `copy this file to .env.prod`,
# `cp .env.prod.template .env.prod`, "rename to .env.staging"
_COPY_TARGET = lazy_compile(r"(?i)\b(?:cp|copy|mv|move|renam(?:e|ed))\b[^\n]*?\bto\s+[`'\"]?"
                            r"((?:[\w.-]+/)*\.env[\w.-]*)|\bcp\s+\S+\s+[`'\"]?"
                            r"((?:[\w.-]+/)*\.env[\w.-]*)")


def _names_template_of(candidate: str, name: str) -> bool:
    """`notes.env.example` and `notes.env-sample` name templates of `notes.env`; so do
    `notes-demo.env` and `notes.example.env`, the word before its `.env`; and for a hidden
    file, the same names without its leading dot (`env.pgadmin.example` for `.env.pgadmin`,
    as `env.example` is the template of `.env`)."""
    if name.startswith(".") and not candidate.startswith(".") and len(name) > 1 and \
            _names_template_of(candidate, name[1:]):
        return True
    rest = candidate[len(name):] if candidate.startswith(name) else ""
    if rest[:1] in (".", "-", "_") and EXAMPLE_WORD.search(rest) and \
            not _DEPLOYMENT_WORD.match(rest[1:]):
        return True
    stem, dot, suffix = name.rpartition(".")
    inner = candidate[len(stem):-len(suffix) - 1] if stem and dot and \
        candidate.startswith(stem) and candidate.endswith(f".{suffix}") else ""
    return inner[:1] in (".", "-", "_") and bool(EXAMPLE_WORD.search(inner))
