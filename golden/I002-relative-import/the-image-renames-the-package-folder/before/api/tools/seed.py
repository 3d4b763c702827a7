from .fixtures import ROWS

print(ROWS)
