JOBS: list[str] = []
