"""C007 missing-env-file: what its message names."""

from __future__ import annotations

from kit import check


def test_c007_names_the_file_compose_looks_for_where_the_path_reads_otherwise() -> None:
    """`./.env` of docker/compose.yaml is docker/.env: a `.env` at the root, which a reader
    may take for it, is another file."""
    files = {"docker/compose.yaml": "services:\n  cache:\n    image: redis:7\n"
                                    "    env_file: ./.env\n",
             ".env": "REDIS_PORT=6379\n"}
    [found] = check(files, select="C007")
    assert "loads `./.env` (docker/.env) as its env_file" in found.message, found.message


def test_c007_names_the_path_once_where_it_reads_as_written() -> None:
    files = {"compose.yaml": "services:\n  cache:\n    image: redis:7\n    env_file: .env\n"}
    [found] = check(files, select="C007")
    assert "loads `.env` as its env_file" in found.message, found.message
