bind = "0.0.0.0:9000"
workers = 2
