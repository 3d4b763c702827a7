# development image: the shared library from the repository root, live reload
FROM python:3.12-slim
WORKDIR /srv
COPY orders/requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY shared /opt/shared
COPY orders/ ./
EXPOSE 8000
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000", "--reload"]
