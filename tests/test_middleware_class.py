"""What a middleware class does with a request: `fixer.sources.middleware_class`."""

from __future__ import annotations

import ast

import pytest

from fixer.sources.middleware_class import (
    as_constructed, for_other_methods, passes_every_request)


def _class(source: str) -> ast.ClassDef:
    [cls] = [n for n in ast.parse(source).body if isinstance(n, ast.ClassDef)]
    return cls


def _dispatch(body: str) -> ast.ClassDef:
    lines = "".join(f"        {line}\n" for line in body.splitlines())
    return _class(f"class M(BaseHTTPMiddleware):\n    async def dispatch(self, request, "
                  f"call_next):\n{lines}")


@pytest.mark.parametrize("body", [
    "return await call_next(request)",
    "request.state.user = None\nreturn await call_next(request)",
    "try:\n    user = decode(request.headers['authorization'])\nexcept Exception:\n    pass\n"
    "return await call_next(request)",
    "try:\n    check(request)\nexcept:\n    log.warning('no user')\n"
    "return await call_next(request)",
    "response = await call_next(request)\nresponse.headers['x-id'] = '1'\nreturn response",
    # a session cookie, named by a setting: a probe sends no cookie
    "request.state.user = None\ntoken = request.cookies.get(settings.session_cookie_name)\n"
    "if token:\n    request.state.user = await load(token)\nreturn await call_next(request)",
])
def test_a_dispatch_that_hands_every_request_on(body: str) -> None:
    assert passes_every_request(_dispatch(body))


@pytest.mark.parametrize("body", [
    "verify(request)\nreturn await call_next(request)",   # may raise: a 500
    "if not request.headers.get('authorization'):\n    return JSONResponse({}, 401)\n"
    "return await call_next(request)",
    "try:\n    verify(request)\nexcept Exception:\n    raise\nreturn await call_next(request)",
    "try:\n    verify(request)\nexcept ValueError:\n    pass\nreturn await call_next(request)",
    "try:\n    return deny()\nexcept Exception:\n    pass\nreturn await call_next(request)",
    "raise HTTPException(401)",
    "return JSONResponse({}, 401)",
    # a cookie name a call works out may raise
    "token = request.cookies.get(cookie_name())\nif token:\n    load(token)\n"
    "return await call_next(request)",
])
def test_a_dispatch_that_may_refuse(body: str) -> None:
    assert not passes_every_request(_dispatch(body))


def test_a_class_with_no_dispatch_of_its_own_is_not_read() -> None:
    assert not passes_every_request(_class("class M(AuthBase):\n    pass\n"))


LIMITER = ("class M(BaseHTTPMiddleware):\n"
           "    def __init__(self, app, excluded_paths: list = None, limit=10):\n"
           "        super().__init__(app)\n"
           "        self.excluded_paths = excluded_paths or ['/health', '/docs']\n"
           "        self.open = ('/metrics',)\n"
           "        self.limit = limit\n")


def _attributes(cls: ast.ClassDef, call: str) -> dict[str, str]:
    built = as_constructed(cls, ast.parse(call, mode="eval").body)   # type: ignore[arg-type]
    return {s.targets[0].id: ast.unparse(s.value) for s in built.body
            if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name)}


def test_attributes_the_init_sets_as_the_call_builds_the_class() -> None:
    assert _attributes(_class(LIMITER), "app.add_middleware(M)") == {
        "excluded_paths": "['/health', '/docs']", "open": "('/metrics',)"}
    assert _attributes(_class(LIMITER), "app.add_middleware(M, limit=5)") == {
        "excluded_paths": "['/health', '/docs']", "open": "('/metrics',)"}


@pytest.mark.parametrize("call", ["app.add_middleware(M, excluded_paths=['/docs'])",
                                  "app.add_middleware(M, ['/docs'])",
                                  "app.add_middleware(M, **options)"])
def test_a_parameter_the_call_passes_leaves_its_default_unread(call: str) -> None:
    assert "excluded_paths" not in _attributes(_class(LIMITER), call)


def test_a_default_given_in_the_signature() -> None:
    cls = _class("class M(BaseHTTPMiddleware):\n"
                 "    def __init__(self, app, exempt=('/health',)):\n"
                 "        self.exempt = exempt\n")
    assert _attributes(cls, "app.add_middleware(M)") == {"exempt": "('/health',)"}
    assert _attributes(cls, "app.add_middleware(M, exempt=())") == {}


def _answers(test: str) -> list[str]:
    """The statuses a middleware answers on the branches a probe's GET may reach."""
    function = ast.parse(f"async def guard(request, call_next):\n    if {test}:\n"
                         "        return JSONResponse({}, status_code=413)\n"
                         "    return await call_next(request)\n").body[0]
    nodes = list(ast.walk(function))
    skipped = {id(n) for n in for_other_methods(nodes, function)}
    return [ast.unparse(n) for n in nodes if isinstance(n, ast.Return) and id(n) not in skipped]


@pytest.mark.parametrize("test", [
    'request.method == "POST"', 'request.method.upper() in ("POST", "PUT")',
    'request.method != "GET"', 'scope["method"] not in {"GET", "HEAD", "OPTIONS"}',
    'request.method == "POST" and int(request.headers["content-length"]) > 10'])
def test_a_branch_for_other_methods_is_not_the_probes(test: str) -> None:
    assert _answers(test) == ["return await call_next(request)"]


@pytest.mark.parametrize("test", [
    'request.method == "GET"', 'request.method in ("GET", "POST")',
    'request.method != "POST"', 'request.method == "POST" or too_big(request)',
    'method == verb'])
def test_a_branch_a_get_may_enter_is(test: str) -> None:
    assert len(_answers(test)) == 2
