from api.main import app
