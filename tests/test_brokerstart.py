"""A gate on an app whose start-up connects to a broker of its stack that nothing holds it
back for (`fixer/facts/database/brokerstart.py`): the app may stop at start-up, so C003's gate
on it is unsafe."""

from __future__ import annotations

import pytest

from kit import check

KAFKA = "  kafka:\n    image: bitnami/kafka:3.7\n"
HEALTHY_KAFKA = (KAFKA + "    healthcheck:\n      test: [\"CMD\", \"kafka-topics.sh\", "
                 "\"--bootstrap-server\", \"localhost:9092\", \"--list\"]\n")
PROBE = ("    healthcheck:\n      test: [\"CMD\", \"python\", \"-c\", \"import urllib.request; "
         "urllib.request.urlopen('http://localhost:8000/health', timeout=3)\"]\n")
AIOKAFKA = ("from aiokafka import AIOKafkaProducer\nfrom fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n@app.on_event(\"startup\")\nasync def startup():\n"
            "    app.state.producer = AIOKafkaProducer(bootstrap_servers=\"kafka:9092\")\n"
            "    {start}\n\n\n@app.get(\"/health\")\ndef health():\n    return {{}}\n")
DOUBT = ("fixer cannot tell whether orders's healthcheck passes: orders's start-up connects to "
         "Kafka (`{call}`, orders/main.py:{line}) before the app listens, and nothing holds it "
         "back until kafka is ready{how}: while it is not, the app stops at start-up")


def stack(main: str, kafka: str = KAFKA, orders: str = "    depends_on:\n      - kafka\n",
          cmd: str = '["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]'
          ) -> dict[str, str]:
    compose = ("services:\n" + kafka + "  orders:\n    build: ./orders\n" + orders + PROBE +
               "  web:\n    build: ./web\n    depends_on:\n      - orders\n")
    return {"compose.yaml": compose,
            "orders/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                                 "RUN pip install fastapi uvicorn aiokafka kafka-python\n"
                                 f"CMD {cmd}\n",
            "orders/main.py": main,
            "web/Dockerfile": "FROM nginx:alpine\nCOPY index.html /usr/share/nginx/html/\n",
            "web/index.html": "<h1>hi</h1>\n"}


def gate_reason(files: dict[str, str]) -> str | None:
    [finding] = check(files, select="C003")
    assert finding.safety.value == ("safe" if finding.reason is None else "unsafe"), finding
    return finding.reason


def test_a_start_up_that_starts_an_aiokafka_producer_makes_the_gate_unsafe() -> None:
    files = stack(AIOKAFKA.format(start="await app.state.producer.start()"))
    assert gate_reason(files) == DOUBT.format(call="app.state.producer.start()", line=10,
                                              how="")


def test_a_start_up_that_waits_for_a_healthy_broker_leaves_the_gate_safe() -> None:
    files = stack(AIOKAFKA.format(start="await app.state.producer.start()"), HEALTHY_KAFKA,
                  "    depends_on:\n      kafka:\n        condition: service_healthy\n")
    assert gate_reason(files) is None


def test_a_connection_whose_failure_the_start_up_handles_is_no_doubt() -> None:
    start = "try:\n        await app.state.producer.start()\n    except Exception:\n        pass"
    assert gate_reason(stack(AIOKAFKA.format(start=start))) is None


@pytest.mark.parametrize(("imported", "doubt"), [
    ("from kafka import KafkaProducer", True),
    ("from orders_kafka import KafkaProducer", False),   # a class of the app's own
])
def test_kafka_pythons_producer_connects_as_it_is_built(imported: str, doubt: bool) -> None:
    main = (f"{imported}\nfrom fastapi import FastAPI\n\n"
            "producer = KafkaProducer(bootstrap_servers=\"kafka:9092\")\napp = FastAPI()\n\n\n"
            "@app.get(\"/health\")\ndef health():\n    return {}\n")
    files = {**stack(main), "orders/orders_kafka.py": "class KafkaProducer:\n    pass\n"}
    expected = DOUBT.format(call="KafkaProducer(bootstrap_servers='kafka:9092')", line=4,
                            how="")
    assert gate_reason(files) == (expected if doubt else None)


@pytest.mark.parametrize(("waiter", "how"), [
    ('"kafka:9092"', " (wait-for-it waits for kafka:9092 for 15 s at most, then starts the "
                     "server anyway)"),
    ('"kafka:9092", "-t", "60"', " (wait-for-it waits for kafka:9092 for 60 s at most, then "
                                 "starts the server anyway)"),
    ('"kafka:9092", "--strict"', None),
    ('"kafka:9092", "-t", "0"', None),
])
def test_a_waiter_that_gives_up_holds_nothing_back(waiter: str, how: str | None) -> None:
    """As a compose `entrypoint:` runs it before the server (`wait-for-it.sh kafka:9092 --
    uvicorn ...`): without `--strict` it starts the server when its timeout passes."""
    entrypoint = (f'    entrypoint: ["./wait-for-it.sh", {waiter}, "--", "uvicorn", "main:app", '
                  '"--host", "0.0.0.0", "--port", "8000"]\n')
    files = stack(AIOKAFKA.format(start="await app.state.producer.start()"),
                  orders="    depends_on:\n      - kafka\n" + entrypoint)
    files["orders/Dockerfile"] = files["orders/Dockerfile"].replace(
        "CMD", "RUN chmod +x wait-for-it.sh\nCMD")
    files["orders/wait-for-it.sh"] = "#!/usr/bin/env bash\necho waiting\n"
    expected = None if how is None else \
        DOUBT.format(call="app.state.producer.start()", line=10, how=how)
    assert gate_reason(files) == expected


def test_a_kafka_ui_is_no_broker() -> None:
    ui = "  kafka-ui:\n    image: provectuslabs/kafka-ui:latest\n"
    files = stack(AIOKAFKA.format(start="await app.state.producer.start()"), ui,
                  "    depends_on:\n      - kafka-ui\n")
    assert gate_reason(files) is None
