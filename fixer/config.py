"""Options that change what rules find and how they fix (CLI flags set them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    port_source: str = "compose"            # which side of a port mismatch is the truth
    healthcheck_strategy: str = "install"   # "install" the tool, or rewrite to "python"
    postgres_image: str = "postgres:17-alpine"
    unsafe_fixes: bool = False
