from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    health_path: str = "/health"
    page_size: int = 50


settings = Settings()
