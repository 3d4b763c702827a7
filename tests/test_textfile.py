"""Decoding and encoding give back the same bytes: UTF-8, UTF-8 with BOM, UTF-16 LE with BOM,
LF and CRLF; binary and undecodable files are input errors that name the line."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixer.core.errors import InputError
from fixer.core.envfile import parse_env
from fixer.core.textfile import TextFile, decode, has_stray_bytes

ENCODINGS = {
    "utf-8": b"",
    "utf-8-bom": codecs.BOM_UTF8,
    "utf-16-le-bom": codecs.BOM_UTF16_LE,
}
CODECS = {"utf-8": "utf-8", "utf-8-bom": "utf-8", "utf-16-le-bom": "utf-16-le"}

# Text as files hold it: any characters but NUL (a NUL makes a UTF-8 file binary), and lines
# joined with one newline style.
line_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00\r\n"),
                    max_size=30)


def file_bytes(kind: str, lines: list[str], newline: str, final_newline: bool) -> bytes:
    text = newline.join(lines) + (newline if final_newline else "")
    return ENCODINGS[kind] + text.encode(CODECS[kind])


@pytest.mark.slow  # hypothesis: many generated examples
@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(sorted(ENCODINGS)), lines=st.lists(line_text, max_size=6),
       newline=st.sampled_from(["\n", "\r\n"]), final_newline=st.booleans())
def test_decode_encode_round_trip(kind: str, lines: list[str], newline: str,
                                  final_newline: bool) -> None:
    data = file_bytes(kind, lines, newline, final_newline)
    file = decode("f", data)
    assert file.encode() == data
    if kind != "utf-8":
        assert file.bom and file.encoding == CODECS[kind]


@pytest.mark.slow  # hypothesis: many generated examples
@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(sorted(ENCODINGS)), lines=st.lists(line_text, min_size=2, max_size=6),
       newline=st.sampled_from(["\n", "\r\n"]))
def test_newline_style_is_remembered(kind: str, lines: list[str], newline: str) -> None:
    file = decode("f", file_bytes(kind, lines, newline, True))
    assert file.newline == newline
    edited = file.with_text(file.text + "added" + file.newline)
    assert edited.encode() == file_bytes(kind, [*lines, "added"], newline, True)


@pytest.mark.parametrize("kind", sorted(ENCODINGS))
def test_each_encoding_is_recognised(kind: str) -> None:
    data = file_bytes(kind, ["FROM python:3.12-slim", "# café ✓"], "\r\n", False)
    file = decode("Dockerfile", data)
    assert file.text == "FROM python:3.12-slim\r\n# café ✓"
    assert (file.encoding, file.bom) == {
        "utf-8": ("utf-8", False), "utf-8-bom": ("utf-8", True),
        "utf-16-le-bom": ("utf-16-le", True)}[kind]
    assert file.with_text(file.text.replace("3.12", "3.13")).encode() == data.replace(
        "3.12".encode(CODECS[kind]), "3.13".encode(CODECS[kind]))


def test_a_nul_byte_makes_a_binary_file() -> None:
    with pytest.raises(InputError) as caught:
        decode("svc/Dockerfile", b"FROM x\n\x00\x01")
    assert str(caught.value) == "svc/Dockerfile:2: binary file (NUL byte), not text"


def test_invalid_utf8_names_its_line() -> None:
    with pytest.raises(InputError) as caught:
        decode("svc/app/main.py", b"import os\n\nx = '\xff'\n")
    assert (caught.value.path, caught.value.line) == ("svc/app/main.py", 3)
    assert "not valid utf-8" in caught.value.message


def test_newline_is_the_majority_style() -> None:
    assert TextFile("f", "a\r\nb\r\nc\n").newline == "\r\n"
    assert TextFile("f", "a\nb\nc\r\n").newline == "\n"
    assert TextFile("f", "no newline at all").newline == "\n"


def test_line_and_column_of_an_offset() -> None:
    file = TextFile("f", "ab\r\ncd\nef")
    assert [file.line_of(i) for i in (0, 3, 4, 7, 9)] == [1, 1, 2, 3, 3]
    assert [file.column_of(i) for i in (0, 1, 4, 5, 7)] == [1, 2, 1, 2, 1]


@pytest.mark.parametrize("data", [b"\xef\xbb\xbfFROM x\n# caf\xe9\n", b"FROM x\n# caf\xe9\n",
                                  b"\xef\xbb\xbfFROM x\n", b"FROM x\r\n# \x93quoted\x94\r\n"])
def test_a_dockerfile_is_read_as_bytes_and_written_back_as_they_were(data: bytes) -> None:
    """BuildKit reads bytes: a Dockerfile that is not UTF-8 is read, a BOM apart from its
    text, and gives back every byte."""
    file = decode("api/Dockerfile", data)
    assert file.text.startswith("FROM x") and file.encode() == data


def test_an_env_file_with_a_stray_byte_reads_its_utf_8_and_keeps_that_byte() -> None:
    """`café` stays `café` (no Latin-1 reading of its two bytes, which C001 copied into
    compose); a value holding a byte that is not UTF-8 is set, with the byte kept as an
    escape no written text may hold, and a comment's byte leaves the value before it."""
    data = (b"\xef\xbb\xbfPORT=9000 # d\xe9faut\nDB=caf\xc3\xa9\nODD=x\xe9y\n"
            b"# r\xe9glages\n")
    file = decode("deploy/api.env", data)
    assert parse_env(file.text) == {"PORT": "9000", "DB": "café", "ODD": "x\udce9y"}
    assert has_stray_bytes(parse_env(file.text)["ODD"]) and file.encode() == data
