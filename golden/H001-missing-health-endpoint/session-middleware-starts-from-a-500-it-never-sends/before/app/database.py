class SessionLocal:
    def close(self) -> None:
        pass
