from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    DB_PASSWORD: str = "secret"

    class Config:
        env_file = ".env"


settings = Settings()
