from . import models
from . import base
