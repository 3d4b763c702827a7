import os

from prometheus_client import start_http_server


def start_metrics():
    start_http_server(int(os.environ["METRICS_PORT"]))
