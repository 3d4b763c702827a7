from .schema import enums
