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


def test_c007_a_guide_that_adds_the_file_elsewhere_tells_no_one_to_write_it() -> None:
    """"Add `.env` to your `.gitignore`" names the file with `add`, but of another file: no
    line says to put variables in it, and the finding stays."""
    files = {"docker-compose.yml": "services:\n  api:\n    image: nginx:1.27\n"
                                   "    env_file:\n      - .env\n",
             "README.md": "# Geo\n\nAdd `.env` to your `.gitignore` before you commit.\n"}
    [finding] = check(files, select="C007")
    assert "neither an example file nor its docs tell a checkout" in finding.message
