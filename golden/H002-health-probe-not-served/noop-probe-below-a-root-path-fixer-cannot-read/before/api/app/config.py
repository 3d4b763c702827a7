import os


class Settings:
    ROOT_PATH: str = os.environ.get("ROOT_PATH", "/orders")


settings = Settings()
