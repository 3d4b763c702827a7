"""facts/health/startup_requests.py: an HTTP request in a function that a start-up function
(`lifespan`, an `on_event("startup")` handler) calls, directly or through further functions,
in any module of the import path, may outlast the healthcheck C004 writes, as one in the
start-up function itself does; one that only route handlers or middleware reach does not."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from fixer.facts.health.startup_requests import _MAY_WAIT, _MAY_WAIT_WORDS, may_wait
from kit import check

COMPOSE = 'services:\n  api:\n    build: .\n    ports: ["8000:8000"]\n'
DOCKERFILE = ('FROM python:3.12\nWORKDIR /srv\nCOPY . .\nRUN pip install -r requirements.txt\n'
              'EXPOSE 8000\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n')
SD = ('import httpx\n\n\nasync def register_service() -> None:\n'
      '    async with httpx.AsyncClient() as client:\n'
      '        await client.put("http://consul:8500/v1/agent/service/register", json={})\n')
MAIN = ('from contextlib import asynccontextmanager\n\nfrom fastapi import FastAPI\n'
        '{imports}\n\n\n@asynccontextmanager\nasync def lifespan(app: FastAPI):\n'
        '    {startup}\n    yield\n\n\napp = FastAPI(lifespan=lifespan)\n{extra}\n\n'
        '@app.get("/health")\nasync def health() -> dict[str, str]:\n'
        '    return {{"status": "ok"}}\n')
DOUBT = "fixer cannot tell whether api starts before the healthcheck gives up (about 40 s): "
HOW_LONG = ", and fixer cannot tell how long it takes (a model pulled, a service awaited)"


def app(startup: str = "await register_service()",
        imports: str = "from app.sd import register_service", extra: str = "",
        **modules: str) -> dict[str, str]:
    main = MAIN.format(imports=imports, startup=startup, extra=extra)
    return {"compose.yaml": COMPOSE, "Dockerfile": DOCKERFILE,
            "requirements.txt": "fastapi\nuvicorn\nhttpx\n", "app/__init__.py": "",
            "app/sd.py": SD, "app/main.py": main,
            **{f"app/{name}.py": text for name, text in modules.items()}}


def c004(files: dict[str, str]) -> tuple[str, str | None]:
    [finding] = check(files, select="C004")
    return finding.safety.value, finding.reason


def test_the_reason_names_the_chain_of_calls_from_the_start_up_function() -> None:
    assert c004(app()) == ("unsafe", (
        f"{DOUBT}app/sd.py:6 calls `client.put` in `register_service()`, which `lifespan()` "
        f"calls at start-up (app/main.py:9){HOW_LONG}"))


def test_each_function_on_the_way_is_named_with_its_call() -> None:
    sync = ("from app.sd import register_service\n\n\nasync def initial_sync() -> None:\n"
            "    await register_service()\n")
    files = app("await initial_sync()", "from app.sync import initial_sync", sync=sync)
    assert c004(files) == ("unsafe", (
        f"{DOUBT}app/sd.py:6 calls `client.put` in `register_service()`, which "
        "`initial_sync()` calls (app/sync.py:5), which `lifespan()` calls at start-up "
        f"(app/main.py:9){HOW_LONG}"))


@pytest.mark.parametrize(("imports", "startup"), [
    pytest.param("from app import sd", "await sd.register_service()", id="on-its-module"),
    pytest.param("import app.sd as sd", "await sd.register_service()", id="on-an-import-as"),
    pytest.param("from app.sd import register_service as register", "await register()",
                 id="imported-under-another-name"),
    pytest.param("", "from app.sd import register_service\n    await register_service()",
                 id="imported-inside-the-lifespan"),
    pytest.param("from app import register_service", "await register_service()",
                 id="re-exported-by-its-package"),
    pytest.param("import asyncio\nfrom app.sd import register_service",
                 "await asyncio.wait_for(register_service(), timeout=30)",
                 id="awaited-through-another-call"),
])
def test_a_function_the_lifespan_calls_is_followed(imports: str, startup: str) -> None:
    files = app(startup, imports)
    files["app/__init__.py"] = "from app.sd import register_service\n"
    safety, reason = c004(files)
    assert safety == "unsafe" and "app/sd.py:6 calls `client.put`" in (reason or "")


def test_a_function_of_a_module_imported_by_its_dotted_name_is_followed() -> None:
    # `import app.sd` binds `app`, which main.py binds to the FastAPI app: a module of its own
    boot = "import app.sd\n\n\nasync def boot() -> None:\n    await app.sd.register_service()\n"
    safety, reason = c004(app("await boot()", "from app.boot import boot", boot=boot))
    assert safety == "unsafe" and "which `boot()` calls (app/boot.py:5)" in (reason or "")


def test_a_startup_handler_s_calls_are_followed() -> None:
    extra = ('\n\n@app.on_event("startup")\nasync def register() -> None:\n'
             '    await register_service()\n')
    safety, reason = c004(app("pass", "from app.sd import register_service", extra))
    assert safety == "unsafe" and "which `register()` calls at start-up (app/main.py:18)" \
        in (reason or "")


@pytest.mark.parametrize(("startup", "imports", "extra"), [
    pytest.param("pass", "from app.sd import register_service",
                 '\n\n@app.get("/register")\nasync def register() -> None:\n'
                 "    await register_service()\n", id="called-by-a-route-handler"),
    pytest.param("pass", "from fastapi import Request\nfrom app.sd import register_service",
                 '\n\n@app.middleware("http")\nasync def registered(request: Request, call_next):\n'
                 "    await register_service()\n    return await call_next(request)\n",
                 id="called-by-a-middleware-function"),
    pytest.param("pass", "from starlette.middleware.base import BaseHTTPMiddleware\n"
                 "from app.sd import register_service",
                 "\n\nclass Registered(BaseHTTPMiddleware):\n"
                 "    async def dispatch(self, request, call_next):\n"
                 "        await register_service()\n        return await call_next(request)\n"
                 "\n\napp.add_middleware(Registered)\n", id="called-by-a-middleware-dispatch"),
    pytest.param("pass", "from app.sd import register_service", "", id="called-by-nothing"),
    # a task of its own: the lifespan goes on to `yield`, and the app listens meanwhile
    pytest.param("asyncio.create_task(register_service())",
                 "import asyncio\nfrom app.sd import register_service", "",
                 id="run-as-a-task"),
    # a method of an object: fixer follows functions, not methods
    pytest.param("await registry.register_service()",
                 "from app.sd import register_service\n\n\nclass Registry:\n"
                 "    async def register_service(self) -> None:\n        return None\n\n\n"
                 "registry = Registry()", "", id="a-method-of-the-same-name"),
])
def test_a_request_no_start_up_function_reaches_is_no_slow_start(startup: str, imports: str,
                                                                  extra: str) -> None:
    assert c004(app(startup, imports, extra)) == ("safe", None)


def test_a_cycle_of_calls_stops() -> None:
    """`a` calls `b` and `b` calls `a`: each is followed once; the request beyond is found,
    and a cycle with none stays safe."""
    loop = ("from app.sd import register_service\n\n\nasync def a(n: int) -> None:\n"
            "    if n:\n        await b(n - 1)\n\n\nasync def b(n: int) -> None:\n"
            "    await a(n)\n    {then}\n")
    found = app("await a(3)", "from app.loop import a",
                loop=loop.format(then="await register_service()"))
    safety, reason = c004(found)
    assert safety == "unsafe" and "in `register_service()`, which `b()` calls (app/loop.py:11), " \
        "which `a()` calls (app/loop.py:6), which `lifespan()` calls at start-up" in (reason or "")
    assert c004(app("await a(3)", "from app.loop import a", loop=loop.format(then="pass"))) \
        == ("safe", None)


HANDED = ('from fastapi import FastAPI\n\nfrom app.sd import register_service\n\n\n'
          'async def boot() -> None:\n    await register_service()\n\n\n{app}\n\n\n'
          '@app.get("/health")\nasync def health() -> dict[str, str]:\n'
          '    return {{"status": "ok"}}\n')


@pytest.mark.parametrize("made", [
    pytest.param('app = FastAPI()\napp.add_event_handler("startup", boot)',
                 id="add-event-handler"),
    pytest.param("app = FastAPI(on_startup=[boot])", id="on-startup-list"),
    pytest.param("app = FastAPI()\napp.router.on_startup.append(boot)",
                 id="router-on-startup-append"),
])
def test_a_function_handed_to_the_app_as_a_startup_handler_is_followed(made: str) -> None:
    files = app()
    files["app/main.py"] = HANDED.format(app=made)
    assert c004(files) == ("unsafe", (
        f"{DOUBT}app/sd.py:6 calls `client.put` in `register_service()`, which `boot()` "
        f"calls at start-up (app/main.py:7){HOW_LONG}"))


@pytest.mark.parametrize("made", [
    pytest.param("app = FastAPI(lifespan=boot_context)", id="lifespan-keyword"),
    pytest.param("app = FastAPI()\napp.router.lifespan_context = boot_context",
                 id="router-lifespan-context"),
])
def test_a_lifespan_of_any_name_is_followed(made: str) -> None:
    context = ("from contextlib import asynccontextmanager\n\n\n@asynccontextmanager\n"
               "async def boot_context(app):\n    await boot()\n    yield\n\n\n" + made)
    files = app()
    files["app/main.py"] = HANDED.format(app=context)
    safety, reason = c004(files)
    assert safety == "unsafe" and "in `register_service()`, which `boot()` calls " \
        "(app/main.py:7), which `boot_context()` calls at start-up (app/main.py:15)" \
        in (reason or "")


def test_a_function_of_another_module_handed_on_makes_its_own_request() -> None:
    files = app()
    files["app/main.py"] = HANDED.format(
        app='app = FastAPI()\napp.add_event_handler("startup", register_service)')
    assert c004(files) == ("unsafe", (
        f"{DOUBT}app/sd.py:6 calls `client.put` in `register_service()` at start-up"
        f"{HOW_LONG}"))


@pytest.mark.parametrize("made", [
    pytest.param('app = FastAPI()\napp.add_event_handler("shutdown", boot)',
                 id="a-shutdown-handler"),
    pytest.param("app = FastAPI(on_shutdown=[boot])", id="on-shutdown"),
])
def test_a_function_handed_on_for_shutdown_is_no_slow_start(made: str) -> None:
    files = app()
    files["app/main.py"] = HANDED.format(app=made)
    assert c004(files) == ("safe", None)


RETRY = ("import asyncio\n\n\nasync def connect_broker() -> None:\n"
         "    for attempt in {loop}:\n        try:\n            await open_connection()\n"
         "            return\n        except OSError:\n"
         "            await asyncio.sleep({delay})\n\n\n"
         "async def open_connection() -> None:\n    return None\n")


@pytest.mark.parametrize(("loop", "delay"), [
    pytest.param("range(20)", "5", id="twenty-tries-five-seconds-apart"),
    pytest.param("range(max_retries)", "1", id="a-count-fixer-cannot-read"),
    pytest.param("range(3)", "RETRY_DELAY", id="a-delay-fixer-cannot-read"),
])
def test_a_retry_loop_that_sleeps_at_start_up_may_start_slowly(loop: str, delay: str) -> None:
    files = app("await connect_broker()", "from app.broker import connect_broker",
                broker=RETRY.format(loop=loop, delay=delay))
    assert c004(files) == ("unsafe", (
        f"{DOUBT}app/broker.py:10 sleeps in a loop (`asyncio.sleep`) in `connect_broker()`, "
        f"which `lifespan()` calls at start-up (app/main.py:9){HOW_LONG}"))


def test_a_short_retry_loop_is_no_slow_start() -> None:
    files = app("await connect_broker()", "from app.broker import connect_broker",
                broker=RETRY.format(loop="range(3)", delay="0.5"))
    assert c004(files) == ("safe", None)


def test_what_a_lifespan_does_after_it_yields_runs_at_shutdown() -> None:
    files = app("yield\n    await register_service()\n    return")
    files["app/main.py"] = files["app/main.py"].replace("    return\n    yield\n", "")
    assert "await register_service()" in files["app/main.py"]
    assert c004(files) == ("safe", None)


PRODUCER = ("import asyncio\n\n\nclass Producer:\n    def __init__(self, retries: int) -> None:\n"
            "        self.retries = retries\n\n"
            "    async def start(self) -> None:\n        for _ in range(self.retries):\n"
            "            await asyncio.sleep(5)\n\n\n"
            "producer = None\n\n\n"
            "async def get_producer() -> Producer:\n    global producer\n"
            "    if producer is None:\n        producer = Producer(retries=20)\n"
            "        await producer.start()\n    return producer\n")


def test_a_method_of_an_object_made_of_an_app_class_is_followed() -> None:
    files = app("await get_producer()", "from app.broker import get_producer", broker=PRODUCER)
    assert c004(files) == ("unsafe", (
        f"{DOUBT}app/broker.py:10 sleeps in a loop (`asyncio.sleep`) in `start()`, which "
        "`get_producer()` calls (app/broker.py:20), which `lifespan()` calls at start-up "
        f"(app/main.py:9){HOW_LONG}"))


def test_a_method_of_an_object_made_elsewhere_is_not_followed() -> None:
    # `producer` comes from a call fixer does not follow: which class's `start` runs is unknown
    made = PRODUCER.replace("producer = Producer(retries=20)", "producer = make(Producer)")
    files = app("await get_producer()", "from app.broker import get_producer",
                broker=made + "\n\ndef make(kind):\n    return kind(retries=20)\n")
    assert c004(files) == ("safe", None)


def test_a_retry_loop_of_a_service_started_once_its_dependencies_are_healthy_is_no_doubt() -> None:
    # Compose starts api once db answers its healthcheck: the first try connects
    files = app("await connect_broker()", "from app.broker import connect_broker",
                broker=RETRY.format(loop="range(20)", delay="5"))
    files["compose.yaml"] = COMPOSE + ("    depends_on:\n      db:\n"
                                       "        condition: service_healthy\n  db:\n"
                                       "    image: postgres:17\n    healthcheck:\n"
                                       "      test: [\"CMD\", \"pg_isready\"]\n")
    assert c004(files) == ("safe", None)
    started = files["compose.yaml"].replace("service_healthy", "service_started")
    assert c004({**files, "compose.yaml": started})[0] == "unsafe"


def test_a_retry_loop_in_a_thread_s_target_is_no_slow_start() -> None:
    consumer = ("import threading\nimport time\n\n\ndef start_consumer() -> None:\n"
                "    def run() -> None:\n        while True:\n            time.sleep(3)\n\n"
                "    threading.Thread(target=run, daemon=True).start()\n")
    files = app("start_consumer()", "from app.consumer import start_consumer",
                consumer=consumer)
    assert c004(files) == ("safe", None)


def test_a_plain_wait_in_a_loop_is_a_slow_start_whatever_compose_gates() -> None:
    """Not a retry (nothing leaves the loop once a try succeeds): it sleeps its 60 s however
    healthy the database is when the service starts."""
    gated = COMPOSE + ("    depends_on:\n      db:\n        condition: service_healthy\n"
                       "  db:\n    image: postgres:17\n    healthcheck:\n"
                       "      test: [\"CMD\", \"pg_isready\"]\n")
    waits = ("import time\n\n\ndef warm_up() -> None:\n    for _ in range(20):\n"
             "        time.sleep(3)\n")
    files = app("warm_up()", "from app.warm import warm_up", warm=waits)
    safety, reason = c004({**files, "compose.yaml": gated})
    assert safety == "unsafe" and "app/warm.py:6 sleeps in a loop (`time.sleep`)" in (reason or "")
    # the same in a startup handler of the app module itself
    handler = ("import time\n\n\n@app.on_event(\"startup\")\ndef startup() -> None:\n"
               "    for _ in range(20):\n        time.sleep(3)\n")
    files = app("pass", "", extra=handler)
    safety, reason = c004({**files, "compose.yaml": gated})
    assert safety == "unsafe" and "sleeps in a loop (`time.sleep`) in `startup()`" in \
        (reason or ""), reason


# texts built of the words in any case, with letters the case-insensitive pattern folds into
# ASCII ones (`ſ`, the Kelvin sign) and others it does not
_PIECES = st.sampled_from([*_MAY_WAIT_WORDS, "Sleep", "REQUESTS", "cLiEnT", "seſſion",
                           "\u212alient", "ßleep", "urlLib", "http", "x", " ", "\n", "é"])


@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=12).map("".join))
def test_the_words_are_found_as_the_case_insensitive_pattern_finds_them(text: str) -> None:
    assert may_wait(text) == (_MAY_WAIT.search(text) is not None)


@pytest.mark.parametrize(("text", "found"), [
    ("import HTTPX\n", True), ("time.Sleep(1)\n", True), ("x = 1\n", False),
    # `ſ` folds to `s`: the text is not ASCII, so the pattern reads it
    ("r = requeſts.get(url)\n", True),
    ("\u212aeep = 1\nclient = None\n", True), ("café = 1\n", False)])
def test_the_words_are_found_in_any_case(text: str, found: bool) -> None:
    assert may_wait(text) is found


# app/main.py's top level hands the app to a function of app/pages.py that defines more
# functions: {inner} (each calls register_service), then {then}
PAGES = ("from app.sd import register_service\n\n\ndef setup(app) -> None:\n{inner}\n"
         "    {then}\n")
ROUTE = '    @app.get("/register")\n    async def register() -> None:\n' \
        '        await register_service()\n'
PAGE = '    @ui.page("/register")\n    def register_page() -> None:\n' \
       '        register_service()\n'
HELPER = '    async def register() -> None:\n        await register_service()\n'


def set_up(inner: str, then: str) -> dict[str, str]:
    pages = PAGES.format(inner=inner, then=then)
    if "ui." in pages:
        pages = "from nicegui import ui\n" + pages
    return app("pass", "from app.pages import setup", "\nsetup(app)\n", pages=pages)


@pytest.mark.parametrize(("inner", "then"), [
    pytest.param(ROUTE, "return None", id="a-route-handler-the-function-registers"),
    pytest.param(PAGE, "return None", id="a-page-a-decorator-registers"),
])
def test_a_function_that_only_registers_another_does_not_run_it(inner: str, then: str) -> None:
    """Running `setup(app)` at import registers the inner function; its request runs on a
    request, after the app listens."""
    assert c004(set_up(inner, then)) == ("safe", None)


@pytest.mark.parametrize(("inner", "then"), [
    pytest.param(HELPER, 'app.add_event_handler("startup", register)',
                 id="handed-on-as-a-start-up-handler"),
    pytest.param(HELPER, "app.router.on_startup.append(register)", id="appended-to-start-up"),
    pytest.param(HELPER.replace("async def", "def").replace("await ", ""),
                 "register()", id="called-by-the-function"),
    pytest.param(ROUTE, "app.state.warm = register", id="a-route-handler-it-names-too"),
])
def test_a_function_that_names_the_function_it_defines_runs_its_request(inner: str,
                                                                        then: str) -> None:
    safety, reason = c004(set_up(inner, then))
    assert safety == "unsafe" and "app/sd.py:6 calls `client.put`" in (reason or "")
