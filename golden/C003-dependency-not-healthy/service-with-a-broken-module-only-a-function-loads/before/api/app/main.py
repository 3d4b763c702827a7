from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}


@app.get("/legacy-report")
def legacy_report():
    from app import legacy_export

    return legacy_export.run()


def _plugins():
    try:
        import app.optional_plugin  # noqa: F401
    except SyntaxError:
        pass
