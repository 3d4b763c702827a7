# stale copy, shadowed by the tools/ package
from .helper import util
