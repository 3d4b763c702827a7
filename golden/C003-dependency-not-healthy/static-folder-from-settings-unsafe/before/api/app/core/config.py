from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    static_dir: str = "static"


settings = Settings()
