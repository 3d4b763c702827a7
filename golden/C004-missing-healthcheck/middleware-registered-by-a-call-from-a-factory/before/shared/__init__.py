def ok():
    return {"ok": True}
