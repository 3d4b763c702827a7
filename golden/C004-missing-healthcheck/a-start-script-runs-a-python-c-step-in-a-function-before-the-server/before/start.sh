#!/bin/sh

prepare() {
    python -c "print(1)"
}

serve() {
    exec uvicorn app.main:app --host 0.0.0.0 --port 8000
}

prepare
serve
