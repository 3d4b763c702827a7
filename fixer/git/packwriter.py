"""A fix branch's objects as one pack, each version of a tree or file a delta on the one before.

One commit per fix rewrites the root tree each time: a thousand-entry tree for a thousand
service folders. Written as loose objects, each version was a whole compressed copy (91 MB
of loose objects for a 1,000-service branch, and a file created, written and renamed per
object). In a pack, a version is a delta on the previous version of the same path: a copy of
the bytes before and after what changed, and the changed bytes. Every `MAX_DEPTH` versions
one is stored whole, as `git repack` keeps its chains short, so reading any one stays cheap.

The pack and its index (version 2) are written when the chain is done, under their names of
`git index-pack`, the index last; until then, the writer answers for the latest version of
each path (`data`), which is all a chain reads back. git finds a pack by its index, so a run
killed while writing leaves at most an unreferenced temporary file, and a write that fails (a
full disk, a folder fixer may not write) removes what it wrote of the pack. A whole pack whose
commits no branch took in the end (a push refused) is left to `git gc`: once its index is in
place, another git process may have found an object in it and not written its own copy.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
import zlib
from dataclasses import dataclass

# git's object type numbers in a pack; 6 is a delta on an object at an earlier offset
_TYPES = {b"commit": 1, b"tree": 2, b"blob": 3, b"tag": 4}
_OFS_DELTA = 6
MAX_DEPTH = 50            # git's own default `pack.depth`
_COPY_MAX = 0xFFFFFF      # the most one copy instruction of a delta can take
# A pack grows past this only by its last object: offsets in an index stay 4-byte ones
PACK_LIMIT = 1 << 30


@dataclass
class _Entry:
    offset: int
    crc: int
    depth: int    # deltas between it and an object stored whole


class PackWriter:
    """Objects kept in memory as pack entries until `finish` writes them as one pack."""

    def __init__(self, objects_dir: str) -> None:
        self._objects_dir = objects_dir
        self._chunks: list[bytes] = []
        self._size = 12   # the header, written at the end when the count is known
        self._entries: dict[bytes, _Entry] = {}
        # path -> the sha of its latest version; sha -> [kind, content, paths it is latest of]
        self._latest: dict[str, bytes] = {}
        self._held: dict[bytes, tuple[bytes, bytes, set[str]]] = {}

    def store(self, kind: bytes, data: bytes, path: str | None = None) -> bytes:
        """The object's sha. It goes in the pack once, as a delta on the latest object
        stored for `path` when that makes it smaller; it is then the latest for `path`."""
        sha = hashlib.sha1(b"%s %d\0%s" % (kind, len(data), data)).digest()
        if sha not in self._entries and self._size > PACK_LIMIT:
            self.finish()   # the objects so far go in a pack; the next starts afresh
        if sha not in self._entries:
            self._append(kind, data, sha, self._latest.get(path) if path is not None else None)
        if path is not None:
            self._held.setdefault(sha, (kind, data, set()))
            self._make_latest(path, sha)
        return sha

    def data(self, sha: bytes) -> tuple[bytes, bytes] | None:
        """(kind, content) of an object stored here that is still the latest version of a
        path; None otherwise. A chain reads no other: each commit's tree refers to the latest
        version of each folder it changed, or to what the base commit holds."""
        held = self._held.get(sha)
        return None if held is None else (held[0], held[1])

    def finish(self) -> str | None:
        """Write the pack and its index into the object store; the pack's path, None when
        nothing was stored."""
        if not self._entries:
            return None
        header = b"PACK" + struct.pack(">II", 2, len(self._entries))
        digest = hashlib.sha1(header)
        for chunk in self._chunks:
            digest.update(chunk)
        checksum = digest.digest()
        folder = os.path.join(self._objects_dir, "pack")
        os.makedirs(folder, exist_ok=True)
        name = os.path.join(folder, f"pack-{checksum.hex()}")
        made_pack = _write_new(folder, name + ".pack", [header, *self._chunks, checksum])
        try:
            _write_new(folder, name + ".idx", [self._index(checksum)])
        except BaseException:
            # No git process can have used a pack without its index (git finds packs by
            # their index), so removing the one just written risks nothing.
            if made_pack:
                _remove_quietly(name + ".pack")
            raise
        self._chunks, self._entries, self._latest, self._held = [], {}, {}, {}
        self._size = 12
        return name + ".pack"

    def _make_latest(self, path: str, sha: bytes) -> None:
        old = self._latest.get(path)
        if old == sha:
            return
        self._latest[path] = sha
        self._held[sha][2].add(path)
        if old is not None:
            paths = self._held[old][2]
            paths.discard(path)
            if not paths:
                del self._held[old]

    def _append(self, kind: bytes, data: bytes, sha: bytes, base: bytes | None) -> None:
        offset, depth = self._size, 0
        body, head = data, _header(_TYPES[kind], len(data))
        held = self._held.get(base) if base is not None else None
        if base is not None and held is not None and held[0] == kind and \
                self._entries[base].depth < MAX_DEPTH:
            delta = make_delta(held[1], data)
            if len(delta) < len(data) // 2:
                body = delta
                head = _header(_OFS_DELTA, len(delta)) + \
                    _negative_offset(offset - self._entries[base].offset)
                depth = self._entries[base].depth + 1
        entry = head + zlib.compress(body, 1)
        self._chunks.append(entry)
        self._size += len(entry)
        self._entries[sha] = _Entry(offset, zlib.crc32(entry), depth)

    def _index(self, checksum: bytes) -> bytes:
        shas = sorted(self._entries)
        fanout = [0] * 256
        for sha in shas:
            fanout[sha[0]] += 1
        total = 0
        for index, count in enumerate(fanout):
            total += count
            fanout[index] = total
        body = b"".join([
            b"\377tOc", struct.pack(">I", 2), struct.pack(">256I", *fanout), *shas,
            *(struct.pack(">I", self._entries[sha].crc) for sha in shas),
            *(struct.pack(">I", self._entries[sha].offset) for sha in shas), checksum])
        return body + hashlib.sha1(body).digest()


def make_delta(base: bytes, target: bytes) -> bytes:
    """git's delta of `target` on `base`: the bytes both begin with and end with are
    copied from the base, those between are inserted."""
    prefix = _common_prefix(base, target)
    room = min(len(base), len(target)) - prefix
    suffix = _common_suffix(base, target, room)
    out = bytearray(_varint(len(base)) + _varint(len(target)))
    _copy(out, 0, prefix)
    middle = target[prefix:len(target) - suffix]
    for start in range(0, len(middle), 127):
        piece = middle[start:start + 127]
        out.append(len(piece))
        out += piece
    _copy(out, len(base) - suffix, suffix)
    return bytes(out)


def _common_prefix(a: bytes, b: bytes) -> int:
    low, high = 0, min(len(a), len(b))
    # the longest equal prefix, by halves: each comparison runs in C, and compares only the
    # bytes not yet known equal (from the start each time, a root tree's version cost each
    # commit a dozen copies of the tree, which grows with the repository)
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle:len(a) - low] == b[len(b) - middle:len(b) - low]:
            low = middle
        else:
            high = middle - 1
    return low


def _copy(out: bytearray, offset: int, size: int) -> None:
    while size > 0:
        step = min(size, _COPY_MAX)
        command, args = 0x80, bytearray()
        for byte in range(4):
            part = (offset >> (8 * byte)) & 0xFF
            if part:
                command |= 1 << byte
                args.append(part)
        for byte in range(3):
            part = (step >> (8 * byte)) & 0xFF
            if part:
                command |= 0x10 << byte
                args.append(part)
        out.append(command)
        out += args
        offset += step
        size -= step


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _header(kind: int, size: int) -> bytes:
    """An entry's type and size: 4 bits of size in the first byte, 7 in each next."""
    out = bytearray([(kind << 4) | (size & 0x0F)])
    size >>= 4
    while size:
        out[-1] |= 0x80
        out.append(size & 0x7F)
        size >>= 7
    return bytes(out)


def _negative_offset(distance: int) -> bytes:
    """How far back the base entry starts, in git's encoding for OFS_DELTA."""
    out = [distance & 0x7F]
    distance >>= 7
    while distance:
        distance -= 1
        out.insert(0, 0x80 | (distance & 0x7F))
        distance >>= 7
    return bytes(out)


def _write_new(folder: str, target: str, parts: list[bytes]) -> bool:
    """Write the file whole under a temporary name, then rename it into place, read-only
    as git keeps its packs; whether it was written. A pack of that name is there already
    when the same objects were written before, in the same order: its name is its
    checksum."""
    if os.path.exists(target):
        return False
    fd, temp = tempfile.mkstemp(dir=folder, prefix="tmp_pack_")
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o444)
        os.replace(temp, target)
    except BaseException:
        _remove_quietly(temp)
        raise
    return True


def _remove_quietly(path: str) -> None:
    """Remove a file this writer made, on the way out of a failure: the failure is what the
    user must hear about, not a second one while cleaning up after it."""
    try:
        os.unlink(path)
    except OSError:
        pass
