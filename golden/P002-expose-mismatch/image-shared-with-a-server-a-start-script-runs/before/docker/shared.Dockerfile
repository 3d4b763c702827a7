FROM python:3.11-slim
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir -r /tmp/requirements.txt
COPY scripts/start-flower /start-flower
COPY svc/ /app/svc/
WORKDIR /app
