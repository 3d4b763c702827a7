import os
import sqlite3

from fastapi import FastAPI

app = FastAPI(title="notes")
DB = os.environ.get("NOTES_DB", "notes.sqlite3")


@app.get("/healthz")
def healthz() -> dict[str, bool]:
    return {"ok": True}


@app.get("/notes")
def list_notes() -> list[str]:
    with sqlite3.connect(DB) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS notes (body TEXT)")
        return [row[0] for row in conn.execute("SELECT body FROM notes")]
