from typing import Final


class Paths:
    HEALTH_CHECK: Final[str] = "/ht"
