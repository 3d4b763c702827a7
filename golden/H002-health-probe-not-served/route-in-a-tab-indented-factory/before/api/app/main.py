from fastapi import FastAPI


def create_app():
	app = FastAPI()

	@app.get("/items")
	def items():
		return []

	return app


app = create_app()
