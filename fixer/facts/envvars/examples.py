"""Example files: the `.env.example` a project keeps for the variables its stack reads, which
`cp .env.example .env` turns into the values Compose interpolates with. Compose never reads
them; what they document is what the next person is told to set."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from fixer.core.derived import Memo
from fixer.core.envfile import parse_env
from fixer.core.lazyre import lazy_compile
from fixer.core.tree_index import files_in, files_under
from fixer.facts.image.buildscripts import env_files
from fixer.model.services import Stack, env_file_paths
from fixer.model.workspace import Workspace

# The names projects give the file that documents their variables; the first is the one
# fixer creates when there is none (an `example.env` beside it would be a second copy).
EXAMPLES = (".env.example", ".env.sample", ".env.template", ".env.tpl", ".env.dist",
            "example.env", "sample.env", "env.example", "env.sample")
# Other names that document variables too (`.example.env`, `.env.local.example`): "env" as a
# word of the name, and a word that says it is not the real one. "default" too: a
# `.env.default` is the template a README says to copy (`cp .env.default .env`); one that a
# service loads as its `env_file` holds values that are set, and `examples` leaves it out.
_ENV_WORD = lazy_compile(r"(?:^|[._-])env(?:[._-]|$)", re.I)
# In other languages too: `.env.exemplo` (Portuguese), `ejemplo`, `exemple`, `esempio`,
# `beispiel`. A `.env.copy` is the file to copy.
EXAMPLE_WORD = lazy_compile(r"example|sample|template|tpl|dist|default|demo|copy|exemplo|ejemplo|"
                            r"exemple|esempio|beispiel", re.I)
# `# NAME=value` in an example file: documented, and left unset unless the reader wants it
_COMMENTED = lazy_compile(r"^[ \t]*#[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*[=:]",
                          re.M)


# A Markdown fenced code block, with its info string (`python`, `env`)
_FENCED = lazy_compile(r"^[ \t]*(```|~~~)([^\n]*)\n(.*?)^[ \t]*\1", re.M | re.S)
# A line that sets a variable, as a README lists the `.env` to write: `DB_NAME=backend`,
# `export API_KEY=`, `OLLAMA_URL = "http://..."`, in a code block (fenced, or indented by
# four spaces) or as a list item (`- MONGO_USER=<user>`, `` 1. `PORT=8000` ``)
_GUIDE_ASSIGNMENT = lazy_compile(r"^[ \t]*((?:[-*+]|\d+[.)])[ \t]+)?(?:export[ \t]+)?`?"
                                 r"([A-Z_][A-Z0-9_]*)[ \t]*=[ \t]*([^\n]*)$", re.M)
def _listing_paragraphs(text: str) -> set[int]:
    """Where the lines of the text's paragraphs that only set variables start, a paragraph
    of two lines or more, or one after a line that names `.env` ("Ejemplo del archivo
    .env:", then `MYSQL_USER=appuser` and the others, a code block whose fence was lost): a
    listing, not a sentence's."""
    found: set[int] = set()
    offset, before = 0, ""
    for paragraph in re.split(r"(\n[ \t]*\n)", text):
        lines = paragraph.split("\n")
        if paragraph.strip() and not paragraph.startswith("\n") and \
                all(_GUIDE_ASSIGNMENT.fullmatch(line) for line in lines if line.strip()) and \
                (len([line for line in lines if line.strip()]) > 1 or _DOTENV_WORD.search(before)):
            at = offset
            for line in lines:
                found.add(at)
                at += len(line) + 1
        if paragraph.strip():
            before = paragraph.rstrip().rsplit("\n", 1)[-1]
        offset += len(paragraph)
    return found


# An HTML `<pre>` block, which Markdown shows as code as it is written
_PRE = lazy_compile(r"<pre\b[^>]*>(.*?)</pre>", re.S | re.I)
# A line of an indented code block: four spaces or a tab before it
_INDENTED_CODE = lazy_compile(r"(?: {4}|[ ]{0,3}\t)")
# Fenced blocks of code whose constants look like variables (`DATABASE_URL = os.getenv(...)`)
_CODE_INFO = lazy_compile(r"py|python\d?|pycon|ipython", re.I)


def guides(ws: Workspace, folder: str) -> list[str]:
    """The Markdown files that tell a checkout of the project in `folder` what to do: those
    of the folder, of the repository's root, and of their `docs/`, its subfolders too
    (`docs/development/getting-started.md`)."""
    near = [p for where in dict.fromkeys([folder, ""])
            for p in files_in(ws.tree, where) if p.lower().endswith(".md")]
    docs = [p for where in dict.fromkeys([posixpath.join(folder, "docs"), "docs"])
            for p in files_under(ws.tree, where) if p.lower().endswith(".md")]
    return near + docs[:_DOCS_LIMIT]


# the Markdown files of `docs/` folders read, at most: a documentation site may hold
# thousands
_DOCS_LIMIT = 200


# the files a checkout runs to set itself up: a make target, a task runner's, a script
_SETUP_NAMES = frozenset(("Makefile", "makefile", "GNUmakefile", "Justfile", "justfile",
                          "Taskfile.yml", "Taskfile.yaml"))


def setup_files(ws: Workspace, folder: str) -> list[str]:
    """The files that set a checkout of the project in `folder` up: Makefiles, task files
    and shell scripts of the folder, of the repository's root, and of their `scripts/`."""
    return [p for where in dict.fromkeys([folder, "", posixpath.join(folder, "scripts"),
                                          "scripts"])
            for p in files_in(ws.tree, where)
            if posixpath.basename(p) in _SETUP_NAMES or p.endswith((".sh", ".bash"))]


def guide_text(ws: Workspace, path: str) -> str:
    """A guide's text; empty when it cannot be read. A README is read for what it tells
    the reader, never run or built: one fixer cannot read (a NUL byte in a tree drawing)
    is no input error, which would hold back every fix of the repository. Its line endings
    read as `\n` (a README written on Windows ends its lines `\r\n`), as nothing of it is
    edited."""
    return ws.derived.keyed(_GUIDE_TEXTS, path, lambda: _read_guide(ws, path))


def _read_guide(ws: Workspace, path: str) -> str:
    file = ws.scan(path)
    return "" if file is None else file.text.replace("\r\n", "\n")


# per workspace: each guide's text (every stack and folder reads every guide, and the
# facts read from a text are kept by the text: one string for each guide)
_GUIDE_TEXTS: Memo[dict[str, str]] = Memo("guide texts")


def guide_names(ws: Workspace, text: str,
                elsewhere: Callable[[str], bool] | None = None) -> dict[str, bool]:
    """The variables a Markdown text lists the values of, each with whether it gives one
    (`DOMAIN_EMAIL=  # for letsencrypt` gives none): lines that set them, in code blocks
    (not those of Python code, whose constants are no variables) or list items. A value
    that reads another variable (`- DB_PASSWORD=${DB_PASSWORD}`, a compose file quoted in a
    README) lists nothing; one a command prints (`$(openssl rand -hex 24)`) gives one.
    `elsewhere`: whether a file the text names by its folder is another than the one asked
    about; a block the line above introduces as such a file's ("Create `backend/.env`:")
    lists that file's variables, not these."""
    # the text's listings are read once per workspace: each stack asks of every guide, and
    # a repository of many stacks and hundreds of guides read each guide again for each
    listings, alike = ws.derived.keyed(_LISTINGS, text, lambda: _read_listings(text))
    return alike if alike is not None else _names_listed(listings, elsewhere)


# A listing of a guide: the file names the line above its code block gives (the paths it
# is introduced with, empty for none and for a listing outside a block), and the variables
# it sets, in order, each with whether it gives a value
Listing = tuple[tuple[str, ...], tuple[tuple[str, bool], ...]]

# per workspace and guide text: its listings, and where none is introduced as another
# file's, the names they list, the same for every caller (read, never changed)
_LISTINGS: Memo[dict[str, tuple[list[Listing], dict[str, bool] | None]]] = \
    Memo("variables guides list")


def _read_listings(text: str) -> tuple[list[Listing], dict[str, bool] | None]:
    listings = _guide_listings(text)
    alike = None if any(paths for paths, _names in listings) else _names_listed(listings, None)
    return listings, alike


def _guide_listings(text: str) -> list[Listing]:
    """The text's listings, as `guide_names` reads them: first the lines outside code
    blocks, then each fenced block that is not Python code, then each `<pre>` block."""
    outside = _PRE.sub("", _FENCED.sub("", text))
    fenced = [(_introducing(text, block.start()), block[3])
              for block in _FENCED.finditer(text)
              if not _CODE_INFO.fullmatch(block[2].strip())] + \
        [(_introducing(text, block.start()), block[1]) for block in _PRE.finditer(text)]
    listed = _listing_paragraphs(outside)
    return [((), _set_in(outside, False, listed)),
            *((paths, _set_in(block, True, listed)) for paths, block in fenced)]


def _names_listed(listings: list[Listing],
                 elsewhere: Callable[[str], bool] | None) -> dict[str, bool]:
    """The variables the listings set, each with whether one gives it a value; a block
    introduced as the listing of other files (each `elsewhere`) left out."""
    found: dict[str, bool] = {}
    for paths, names in listings:
        if elsewhere and paths and all(elsewhere(path) for path in paths):
            continue
        for name, given in names:
            found[name] = found.get(name, False) or given
    return found


def _set_in(lines: str, in_fence: bool, listed: set[int]) -> tuple[tuple[str, bool], ...]:
    """The variables the lines set, as a listing: in a code block, or outside one in list
    items, an indented block or a paragraph of settings (`listed`)."""
    found = []
    for match in _GUIDE_ASSIGNMENT.finditer(lines):
        if not in_fence and not match[1] and not _INDENTED_CODE.match(match[0]) and \
                match.start() not in listed:
            continue   # a line of prose ("Production: DATABASE_URL=..." on its own)
        value = re.split(r"\s#", match[3], maxsplit=1)[0].strip().strip("`").strip()
        if _READS_VARIABLE.match(value) or (in_fence and match[1]) or \
                _PREFIXES_A_COMMAND.match(value):   # `DOCKER_BUILDKIT=1 docker compose
            continue   # build` sets it for that command; a YAML list in a fence; a
        # command's output (`$(openssl rand -hex 24)`) is a value
        found.append((match[2], bool(value)))
    return tuple(found)


# an env file named with its folder (`backend/.env`, `./config/app.env.local`)
_FOLDER_ENV_PATH = lazy_compile(
    r"(?<![\w./-])((?:\.{1,2}/)?[\w.-]+(?:/[\w.-]+)*/[\w.-]*env[\w.-]*)")


def _introducing(text: str, start: int) -> tuple[str, ...]:
    """The env files the last line before the code block at `start` names by their
    folders."""
    lines = [line for line in text[max(0, start - 400):start].splitlines() if line.strip()]
    return tuple(_FOLDER_ENV_PATH.findall(lines[-1])) if lines else ()


# an unquoted value a command follows on its line: `1 docker compose build` of
# `DOCKER_BUILDKIT=1 docker compose build`, a variable set for that command alone
_PREFIXES_A_COMMAND = lazy_compile(
    r"[^\s\"']*\s+(?:docker(?:-compose)?|python\d*(?:\.\d+)?|uvicorn|gunicorn|npm|npx|yarn|"
    r"pnpm|make|poetry|uv|pip\d*|node|bash|sh|\./)")


# a value that reads another variable (`${DB_PASSWORD}`, `$DB_PASSWORD`)
_READS_VARIABLE = lazy_compile(r"\$\{|\$[A-Za-z_]")


def is_example_name(name: str) -> bool:
    """A file name that says it documents variables (`.example.env`, `.env.defaults`; the
    words run together too, `.exampleenv`, `.envsample`)."""
    return bool(_ENV_WORD.search(name) and EXAMPLE_WORD.search(name)) or \
        _GLUED_EXAMPLE.fullmatch(name) is not None


# `.exampleenv`, `.envexample`: the two words of an example's name with no separator
_GLUED_EXAMPLE = lazy_compile(
    rf"\.?(?:(?:{EXAMPLE_WORD.pattern})env|env(?:{EXAMPLE_WORD.pattern}))", re.I)


def example_file_names(ws: Workspace, path: str) -> set[str]:
    """The names an example file documents (none when it is absent)."""
    file = ws.read(path)
    return set() if file is None else documented_names(file.text)


def documented_names(text: str) -> set[str]:
    """The names an example file's text documents: its assignments, and its commented-out
    ones (`# NAME=...  (leave unset for the default)`), which a fix that appended `NAME=`
    below them would repeat."""
    return set(parse_env(text)) | set(_COMMENTED.findall(text))


def valued_names(text: str) -> set[str]:
    """The names an example file's text gives a value (`NAME=x`; not `NAME=`, nor `# NAME=x`):
    a `.env` copied from it sets them to something."""
    return {name for name, value in parse_env(text).items() if value.strip()}


def commented_names(ws: Workspace, path: str) -> set[str]:
    """The names an env file holds commented out (`# MONGO_USER=admin`; none when it is
    absent): what its reader may uncomment and set."""
    file = ws.read(path)
    return set() if file is None else set(_COMMENTED.findall(file.text))


def env_names(ws: Workspace, path: str) -> set[str]:
    """The names an env file defines (none when it is absent)."""
    file = ws.read(path)
    return set() if file is None else set(parse_env(file.text))


def loaded_env_files(stack: Stack) -> set[str]:
    """The files the stack's services load as their `env_file`."""
    return {path for service in stack.services.values()
            for doc, value in service.all("env_file")
            for path in env_file_paths(doc, value, stack.dotenv, stack.folder)}


def examples(ws: Workspace, folder: str, loaded: set[str]) -> list[str]:
    """The folder's example files: those of EXAMPLES that exist, in that order, then any
    other whose name says it is one, by name. A file a service loads as its `env_file`
    (`loaded`) is none, whatever its name: what it holds is set in the container."""
    named = [p for p in (posixpath.join(folder, n) for n in EXAMPLES) if ws.tree.exists(p)]
    others = sorted(p for p in files_in(ws.tree, folder) if p not in named and
                    is_example_name(posixpath.basename(p)) and not _SOURCE_FILE.search(p))
    copied = [p for p in copied_to_dotenv(ws, folder) if p not in named and p not in others]
    return [p for p in named + others + copied if p not in loaded]


def copied_to_dotenv(ws: Workspace, folder: str) -> list[str]:
    """The files of the folder a guide says to copy to its `.env` (`cp .env-semple .env`,
    whatever the template's name): the example a checkout writes its `.env` from."""
    found = ws.derived.get(_COPIED, dict)
    if folder not in found:
        files = set(files_in(ws.tree, folder))
        texts = [guide_text(ws, guide) for guide in guides(ws, folder)]
        named = [posixpath.normpath(posixpath.join(folder, name)) for text in texts
                 for name in ws.derived.keyed(_TEMPLATES_NAMED, text, lambda: [
                     *(m.group(1) for m in _COPY_TO_DOTENV.finditer(text)),
                     *_named_beside_dotenv(text)])]
        # a make target or script run from the folder (`cp -n ./config/.env.template ./.env`)
        # copies a file of the repository, wherever it sits
        scripted = [posixpath.normpath(posixpath.join(folder, m.group(1)))
                    for setup in setup_files(ws, folder)
                    for m in _COPY_TO_DOTENV.finditer(guide_text(ws, setup))]
        # a guide's copy from a folder below (`cp setup/.env.template .env`) names a file of
        # the repository too, found from the folder
        found[folder] = [p for p in dict.fromkeys([*named, *scripted])
                         if (p in files or "/" in p[len(folder):].lstrip("/") and
                             ws.tree.exists(p) or p in scripted and ws.tree.exists(p)) and
                         posixpath.basename(p) != ".env" and not _SOURCE_FILE.search(p)] + \
            [p for p in _copied_from_afar(ws, folder, texts) if p not in files]
    return found[folder]


# a file of code, configuration or docs, which no `.env` is written from, however a guide
# names it ("from [env.example](env.py)": the link goes to the module that reads `.env`)
_SOURCE_FILE = lazy_compile(
    r"\.(?:py|pyi|ipynb|js|mjs|cjs|ts|tsx|jsx|go|rs|java|kt|rb|php|cs|json|ya?ml|toml|"
    r"md|rst|html|sh|bash|ps1|bat|cfg|ini|lock|sql|xml)$", re.I)


def _copied_from_afar(ws: Workspace, folder: str, texts: list[str]) -> list[str]:
    """The env files a guide names, by their path from the root, on a line that names the
    folder's `.env` by its own (`copy docker.env to docker-compose/.env`, in any language):
    the template of that `.env`, wherever it sits."""
    if not folder:
        return []
    dotenv = posixpath.join(folder, ".env")
    word = re.compile(r"(?<![\w./-])(?:\./)?" + re.escape(dotenv) + r"(?![\w./-])")
    # a text without the path has no line that names it
    named = [posixpath.normpath(name) for text in texts if dotenv in text
             for line in text.splitlines()
             if word.search(line) for name in _ENV_FILE_WORD.findall(line)]
    return [p for p in dict.fromkeys(named) if p != dotenv and
            _ENV_WORD.search(posixpath.basename(p)) and not _SOURCE_FILE.search(p) and
            ws.tree.exists(p)]


def _named_beside_dotenv(text: str) -> list[str]:
    """The env files a guide names on a line that tells of `.env` ("Create a .env file and
    use the .env.public to fill it"): the template it is written from, whatever the verb."""
    return [name for line in text.splitlines() if _DOTENV_WORD.search(line)
            for name in _ENV_FILE_WORD.findall(line)
            if _ENV_WORD.search(posixpath.basename(name))]


# per workspace: each folder's files a guide copies to its `.env`
_COPIED: Memo[dict[str, list[str]]] = Memo("files a guide copies to .env")
# per workspace and guide text: the templates it copies to a `.env` or names beside one,
# as it names them; every folder asks of every guide
_TEMPLATES_NAMED: Memo[dict[str, list[str]]] = Memo("templates a guide names")
# `cp .env-semple .env`, `cp ./config/env.tpl ./.env`, `copy .env.dist .env`, `mv env.txt .env`
_COPY_TO_DOTENV = lazy_compile(r"\b(?:cp|copy|mv|move)\s+(?:-\w+\s+)*[\"']?(?:\./)?([\w.-][\w./-]*)"
                               r"[\"']?\s+[\"']?(?:\./)?\.env[\"']?(?![\w./-])")


# `.env` as a word of a line (not `.env.public`, not `app.env`)
_DOTENV_WORD = lazy_compile(r"(?<![\w./-])(?:\./)?\.env(?![\w./-])")
# a file name with a dot or a dash in it that a line names (`.env.public`, `env_docker.txt`),
# with the folders before it (`setup/docker.env`)
_ENV_FILE_WORD = lazy_compile(r"(?<![\w./-])(?:\./)?((?:[\w-]+/)*(?:[\w-]*[.][\w./-]*\w|"
                              r"\.?[\w-]*env[\w-]*))(?![\w/-])")


# per workspace, by stack: C005, C006, the gates and the report ask for each service of a
# stack, and working them out reads every service's `env_file`: asked per service, a stack of
# 1,000 services took 35 s to check
_STACK_EXAMPLES: Memo[dict[Stack, dict[str, list[str]]]] = Memo("a stack's example files")
_DOCUMENTED: Memo[dict[Stack, dict[str, str]]] = Memo("values a stack's examples give")


def stack_examples(ws: Workspace, stack: Stack) -> dict[str, list[str]]:
    """The example files that document the stack, by folder: the project folder's, then
    those beside the services' `env_file`s and the `--env-file`s the build scripts run the
    stack with: the template of the file the stack is run with (`../.env` ->
    `../.env.example`). What C006 counts as documented is what its fix may extend. Shared:
    callers read it, never change it."""
    return ws.derived.keyed(_STACK_EXAMPLES, stack, lambda: _stack_examples(ws, stack))


def _stack_examples(ws: Workspace, stack: Stack) -> dict[str, list[str]]:
    found = loaded_env_files(stack)
    beside = [posixpath.dirname(p) for p in [*sorted(found), *env_files(ws, stack)]]
    folders = dict.fromkeys([stack.folder, *beside])
    return {folder: examples(ws, folder, found) for folder in folders}


def documented_values(ws: Workspace, stack: Stack) -> dict[str, str]:
    """The values the stack's example files give its variables (`KAFKA_HOST=kafka` in
    `.env.example`, where the `.env` Compose reads is each checkout's own): what a `${VAR}`
    most likely is where nothing else sets it. Shared: callers read it, never change it."""
    return ws.derived.keyed(_DOCUMENTED, stack, lambda: _documented_values(ws, stack))


def _documented_values(ws: Workspace, stack: Stack) -> dict[str, str]:
    found: dict[str, str] = {}
    for paths in stack_examples(ws, stack).values():
        for path in reversed(paths):
            file = ws.read(path)
            found.update({k: v for k, v in parse_env(file.text).items() if v}
                         if file is not None else {})
    return found
