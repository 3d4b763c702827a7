from flask import Flask

flask_app = Flask(__name__)


@flask_app.route("/ping")
def health():
    return "ok"
