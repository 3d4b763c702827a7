from starlette.middleware import Middleware

from app.guard import PermissionMiddleware

MIDDLEWARE = [Middleware(PermissionMiddleware)]
