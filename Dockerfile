# fixer as a container image, for CI jobs that run in one (GitLab's `image:`):
#   docker build -t fixer .
#   docker run --rm -v "$PWD:/repo" fixer check .
# The build stage makes a virtual environment with fixer and its dependencies (all wheels:
# no compiler is needed); the final stage copies it, so pip's build leftovers stay behind.
FROM python:3.12-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE MANIFEST.in ./
COPY fixer ./fixer
COPY rules ./rules
RUN python -m venv /opt/fixer \
    && /opt/fixer/bin/pip install --no-cache-dir --disable-pip-version-check .

FROM python:3.12-slim-bookworm
# git: `fixer fix --branch` commits through it and `fixer check` asks it what .gitignore
# leaves out. Not pinned: the image takes Debian's security updates of git, and a pinned
# version leaves the archive with the next one (the build would fail).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/fixer /opt/fixer
ENV PATH=/opt/fixer/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1
# A repository mounted or checked out by another user is still one git works in.
RUN groupadd --gid 10001 fixer \
    && useradd --create-home --uid 10001 --gid 10001 fixer \
    && git config --system --add safe.directory '*'
USER 10001:10001
WORKDIR /repo
ENTRYPOINT ["fixer"]
CMD ["check", "."]
