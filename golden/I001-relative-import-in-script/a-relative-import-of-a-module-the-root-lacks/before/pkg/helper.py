NAME = "ok"
