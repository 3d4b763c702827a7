"""Compose variables: what sets or documents the `${VAR}`s a stack reads (its `.env`, the
services' env_files, example files, the build scripts and Python scripts that run Compose)."""
