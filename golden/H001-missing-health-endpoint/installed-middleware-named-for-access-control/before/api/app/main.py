from fastapi import FastAPI
from fastapi_keycloak_middleware import KeycloakConfiguration, KeycloakMiddleware

app = FastAPI()
app.add_middleware(
    KeycloakMiddleware,
    keycloak_configuration=KeycloakConfiguration(url="http://keycloak:8080", realm="demo", client_id="api"),
)


@app.get("/items")
def items():
    return []
