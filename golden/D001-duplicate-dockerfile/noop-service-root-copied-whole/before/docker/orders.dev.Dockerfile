# development image: the code is mounted and reloads
FROM python:3.12-slim
WORKDIR /workspace
COPY services/orders/requirements.txt /tmp/
RUN pip install -r /tmp/requirements.txt
COPY services/orders /workspace/services/orders
WORKDIR /workspace/services/orders
CMD ["uvicorn", "orders.main:app", "--host", "0.0.0.0", "--port", "8000", "--reload"]
