URL = "sqlite://"
