"""A fix branch's pack (fixer/git/packwriter.py), read back by git itself: every object as
stored, deltas on earlier versions, chains no deeper than git's own, `git fsck --strict`
clean; and a branch written through it holds what loose objects held."""

from __future__ import annotations

import random
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixer.git import packwriter
from fixer.git.packwriter import MAX_DEPTH, PackWriter, make_delta
from support import git


def apply_delta(base: bytes, delta: bytes) -> bytes:
    """git's delta format, read as its documentation states it (gitformat-pack)."""
    position = 0

    def varint() -> int:
        nonlocal position
        value = shift = 0
        while True:
            byte = delta[position]
            position += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    assert varint() == len(base)
    size = varint()
    out = bytearray()
    while position < len(delta):
        command = delta[position]
        position += 1
        if command & 0x80:
            offset = length = 0
            for bit in range(4):
                if command & (1 << bit):
                    offset |= delta[position] << (8 * bit)
                    position += 1
            for bit in range(3):
                if command & (0x10 << bit):
                    length |= delta[position] << (8 * bit)
                    position += 1
            out += base[offset:offset + (length or 0x10000)]
        else:
            assert command, "0 is reserved"
            out += delta[position:position + command]
            position += command
    assert len(out) == size
    return bytes(out)


@given(st.binary(max_size=600), st.binary(max_size=600), st.binary(max_size=600))
@settings(max_examples=300)
def test_a_delta_rebuilds_its_target(head: bytes, middle: bytes, tail: bytes) -> None:
    base = head + b"old" + tail
    target = head + middle + tail
    assert apply_delta(base, make_delta(base, target)) == target
    assert apply_delta(target, make_delta(target, base)) == base


@given(st.binary(max_size=300), st.binary(max_size=40), st.binary(max_size=40))
@settings(max_examples=300)
def test_a_delta_copies_the_longest_equal_start_and_end(same: bytes, a: bytes,
                                                        b: bytes) -> None:
    """The bytes both versions begin with, and of the rest the bytes both end with, are
    the longest such runs."""
    import os.path
    base, target = same + a + same, same + b + same
    prefix = packwriter._common_prefix(base, target)
    assert prefix == len(os.path.commonprefix([base, target]))
    room = min(len(base), len(target)) - prefix
    suffix = packwriter._common_suffix(base, target, room)
    assert suffix == min(room, len(os.path.commonprefix([base[::-1], target[::-1]])))


def test_a_delta_copies_what_did_not_change() -> None:
    base = bytes(random.Random(1).randbytes(200_000))
    target = base[:120_000] + b"one entry changed" + base[120_010:]
    delta = make_delta(base, target)
    assert len(delta) < 60 and apply_delta(base, delta) == target


def test_a_copy_longer_than_one_instruction_is_split() -> None:
    base = bytes(17 * 1024 * 1024)
    target = base + b"x"
    assert apply_delta(base, make_delta(base, target)) == target


def cat(repo: Path, sha: bytes) -> tuple[str, bytes]:
    kind = git(repo, "cat-file", "-t", sha.hex()).strip()
    data = subprocess.run(["git", "cat-file", kind, sha.hex()], cwd=repo, check=True,
                          capture_output=True).stdout
    return kind, data


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    return tmp_path


def versions(count: int, size: int) -> list[bytes]:
    """Versions of one file, each changing a few bytes somewhere in the one before."""
    rng = random.Random(7)
    text = bytearray(rng.randbytes(size))
    found = []
    for _ in range(count):
        at = rng.randrange(size - 8)
        text[at:at + 4] = rng.randbytes(4)
        found.append(bytes(text))
    return found


def test_git_reads_every_object_of_the_pack_as_stored(repo: Path) -> None:
    writer = PackWriter(str(repo / ".git" / "objects"))
    stored = {}
    for data in versions(130, 20_000):   # past two chains of MAX_DEPTH
        stored[writer.store(b"blob", data, "compose.yml")] = ("blob", data)
    for data in (b"", b"small\n", bytes(range(256)) * 40):
        stored[writer.store(b"blob", data, None)] = ("blob", data)
    tree = b"100644 compose.yml\0" + next(iter(stored))
    stored[writer.store(b"tree", tree, "")] = ("tree", tree)
    pack = writer.finish()
    assert pack is not None and Path(pack).exists() and Path(pack[:-5] + ".idx").exists()
    assert not list((repo / ".git" / "objects").glob("??/*")), "no loose object"
    for sha, expected in stored.items():
        assert cat(repo, sha) == expected
    verified = git(repo, "verify-pack", "-v", pack[:-5] + ".idx")
    # `sha type size size-in-pack offset [depth base-sha]`
    rows = [line.split() for line in verified.splitlines() if " blob " in line]
    depths = [int(row[5]) if len(row) == 7 else 0 for row in rows]
    assert len(rows) == 133 and max(depths) == MAX_DEPTH
    assert sum(depth > 0 for depth in depths) > 100, "versions are stored as deltas"
    git(repo, "fsck", "--strict", "--full")
    assert Path(pack).stat().st_size < 30 * 20_000   # 130 versions of 20 KB, as deltas


def test_the_writer_answers_for_the_latest_version_of_each_path(repo: Path) -> None:
    writer = PackWriter(str(repo / ".git" / "objects"))
    first, second = versions(2, 10_000)
    old = writer.store(b"blob", first, "a")
    new = writer.store(b"blob", second, "a")
    assert writer.data(new) == (b"blob", second)
    assert writer.data(old) is None                    # superseded: not held
    assert writer.data(writer.store(b"commit", b"tree x\n", None)) is None
    twin = writer.store(b"blob", second, "c")   # the same content at two paths
    writer.store(b"blob", first, "a")
    assert twin == new and writer.data(new) == (b"blob", second)
    assert writer.data(old) == (b"blob", first)        # the latest of `a` again


def test_a_pack_past_its_limit_is_written_and_the_next_begins(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packwriter, "PACK_LIMIT", 20_000)
    writer = PackWriter(str(repo / ".git" / "objects"))
    stored = {writer.store(b"blob", data, "f"): data for data in versions(40, 30_000)}
    writer.finish()
    packs = list((repo / ".git" / "objects" / "pack").glob("*.idx"))
    assert len(packs) >= 2
    for sha, data in stored.items():
        assert cat(repo, sha) == ("blob", data)
    git(repo, "fsck", "--strict", "--full")


def test_nothing_stored_writes_nothing(repo: Path) -> None:
    assert PackWriter(str(repo / ".git" / "objects")).finish() is None
    assert not (repo / ".git" / "objects" / "pack").exists() or \
        not list((repo / ".git" / "objects" / "pack").iterdir())


def test_a_chain_written_as_a_pack_is_the_chain_written_as_loose_objects(
        tmp_path: Path) -> None:
    """The same commits, object for object (shas are content), whether the objects go in a
    pack or loose: a root tree over the size kept in memory, folders rewritten long after
    the writer last saw them, files deleted, added, turned into folders."""
    import git as gitpython

    from fixer.git.gitobjects import EXEC_MODE, FILE_MODE, ObjectWriter
    when = datetime(2026, 11, 30, tzinfo=timezone.utc)
    author = gitpython.Actor("t", "t@example.com")
    rng = random.Random(3)
    steps: list[dict[str, tuple[bytes, int] | None]] = []
    for step in range(260):
        folder = f"service{rng.randrange(150):03d}"
        choice = step % 5
        if choice == 3:
            steps.append({f"{folder}/extra.txt": None, f"{folder}/new/{step}.py": (b"x\n", FILE_MODE)})
        elif choice == 4:
            steps.append({f"{folder}/run.sh": (b"#!/bin/sh\n", EXEC_MODE)})
        else:
            steps.append({f"{folder}/Dockerfile": (f"FROM python:3.12\n# {step}\n".encode(),
                                                   FILE_MODE)})
    heads = {}
    for mode in ("loose", "pack"):
        root = tmp_path / mode
        repo = gitpython.Repo.init(root)
        base_writer = ObjectWriter(repo)
        files = {f"service{i:03d}/Dockerfile": (b"FROM python:3.12\n", FILE_MODE)
                 for i in range(150)}
        files.update({f"service{i:03d}/extra.txt": (b"x" * i, FILE_MODE) for i in range(150)})
        base_tree = base_writer.updated_tree(None, files)
        assert base_tree is not None
        someone = "t <t@example.com> 1764460800 +0000"
        parent = base_writer.store(b"commit", f"tree {base_tree.hex()}\nauthor {someone}\n"
                                              f"committer {someone}\n\nbase\n".encode()).hex()
        writer = ObjectWriter(repo, pack=mode == "pack")
        tree: bytes | None = base_tree
        for index, change in enumerate(steps):
            tree = writer.updated_tree(tree, change)
            assert tree is not None
            parent = writer.commit(tree, parent, f"step {index}\n", author, when).hexsha
        writer.finish()
        heads[mode] = parent
        git(root, "fsck", "--strict", "--full", "--no-dangling")
        if mode == "pack":
            assert len(list((root / ".git" / "objects" / "pack").glob("*.pack"))) == 1
    assert heads["pack"] == heads["loose"]
    log = {mode: git(tmp_path / mode, "log", "-p", "--format=%H %T", heads[mode])
           for mode in heads}
    assert log["pack"] == log["loose"] and log["pack"].count("\n") > 1000


def test_the_same_objects_written_again_leave_the_pack_as_it_was(repo: Path) -> None:
    # a pack's name is its checksum: the same chain written twice names the same pack,
    # which is kept (git keeps packs read-only; Windows cannot replace such a file)
    paths, inodes = [], []
    for _ in range(2):
        writer = PackWriter(str(repo / ".git" / "objects"))
        for data in versions(5, 5_000):
            writer.store(b"blob", data, "f")
        paths.append(writer.finish())
        inodes.append(Path(str(paths[-1])).stat().st_ino)
    assert paths[0] == paths[1] and inodes[0] == inodes[1], "not written again"
    assert len(list((repo / ".git" / "objects" / "pack").iterdir())) == 2   # .pack, .idx
    git(repo, "fsck", "--strict", "--full")
