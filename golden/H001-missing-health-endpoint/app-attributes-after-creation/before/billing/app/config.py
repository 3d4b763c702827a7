import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    version: str = os.environ.get("BILLING_VERSION", "dev")
    database_url: str = os.environ.get("DATABASE_URL", "")


settings = Settings()
