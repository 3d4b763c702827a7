from asgiref.wsgi import WsgiToAsgi
from fastapi.encoders import jsonable_encoder
from flask import Flask, jsonify

flask_app = Flask(__name__)


@flask_app.get("/orders")
def orders():
    return jsonify(jsonable_encoder([]))


asgi = WsgiToAsgi(flask_app)
