def register(app):
    @app.get("/billing")
    def billing():
        return {"billing": True}
