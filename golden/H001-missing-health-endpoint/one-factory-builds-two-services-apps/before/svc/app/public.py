from app.factory import make_app

app = make_app("public")
