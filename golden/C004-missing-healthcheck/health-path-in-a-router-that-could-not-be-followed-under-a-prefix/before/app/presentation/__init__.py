from .api_router import *
