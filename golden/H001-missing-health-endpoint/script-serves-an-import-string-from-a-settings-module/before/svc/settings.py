APP_PATH = "main:app"
