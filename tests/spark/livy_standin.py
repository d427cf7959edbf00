"""A stand-in for Apache Livy's REST API (interactive sessions), on 127.0.0.1, for the tests.

It follows Livy's documented endpoints and JSON shapes:

    GET/POST /sessions                      list (``{"from","total","sessions"}``) / create (201)
    GET      /sessions/{id}                 the session object
    GET      /sessions/{id}/state           ``{"id","state"}``
    GET      /sessions/{id}/log             ``{"id","from","total","log"}``
    GET/POST /sessions/{id}/statements      list / submit ``{"code", "kind"?}`` (201)
    GET      /sessions/{id}/statements/{sid}
    POST     /sessions/{id}/statements/{sid}/cancel
    DELETE   /sessions/{id}                 ``{"msg": "deleted"}``

Sessions go ``starting -> idle``, and ``busy`` while a statement runs. Statements go
``waiting -> running -> available``; the output is ``{"status": "ok", "execution_count", "data":
{"text/plain": ...}}`` (``application/json`` with ``schema`` and ``data`` for ``sql``) or
``{"status": "error", "ename", "evalue", "traceback"}``. Code runs in this process against the
SparkSession given (the test suite's shared one): PySpark code like a Python shell (the value of a
last expression is printed), ``sql`` code with ``spark.sql``.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import logging
import re
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KINDS = ("spark", "pyspark", "sparkr", "sql")
SQL_ROWS = 1000  # Livy's livy.rsc.sql.num-rows


class _Session:
    def __init__(self, session_id: int, body: dict[str, Any], spark: Any) -> None:
        self.id = session_id
        self.kind = body.get("kind", "spark")
        self.body = body
        self.state = "starting"
        self.log: list[str] = [f"stand-in: session {session_id} created"]
        self.statements: list[dict[str, Any]] = []
        self.namespace: dict[str, Any] = {"spark": spark, "sc": spark.sparkContext}
        self.queue: list[dict[str, Any]] = []
        self.lock = threading.Condition()

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.body.get("name"),
            "appId": f"standin-app-{self.id}",
            "owner": None,
            "proxyUser": self.body.get("proxyUser"),
            "state": self.state,
            "kind": self.kind,
            "appInfo": {"driverLogUrl": None, "sparkUiUrl": None},
            "log": self.log[-10:],
        }


class LivyStandIn:
    """``with LivyStandIn(spark) as livy: livy.url`` -> http://127.0.0.1:PORT."""

    def __init__(self, spark: Any, *, start_seconds: float = 0.3) -> None:
        # A real Livy logs a failing query on the cluster, not in the notebook.
        logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
        self.spark = spark
        self.start_seconds = start_seconds
        self.sessions: dict[int, _Session] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path), in order
        self.created: list[dict[str, Any]] = []  # the bodies of POST /sessions
        self.deleted: list[int] = []
        self._next_id = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LivyStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        for session in list(self.sessions.values()):
            self._end(session)

    # -- sessions and statements

    def _create(self, body: dict[str, Any]) -> _Session:
        with self._lock:
            session = _Session(self._next_id, body, self.spark)
            self._next_id += 1
            self.sessions[session.id] = session
            self.created.append(body)
        threading.Thread(target=self._run, args=(session,), daemon=True).start()
        return session

    def _run(self, session: _Session) -> None:
        """The session's interpreter: idle after the start delay, then one statement at a time."""
        time.sleep(self.start_seconds)
        with session.lock:
            if session.state != "starting":
                return
            session.state = "idle"
            session.log.append("stand-in: session idle")
            while True:
                while not session.queue and session.state == "idle":
                    session.lock.wait()
                if session.state not in ("idle", "busy"):
                    return
                statement = session.queue.pop(0)
                if statement["state"] == "cancelled":
                    continue
                session.state = "busy"
                statement["state"] = "running"
                statement["started"] = int(time.time() * 1000)
                session.lock.release()
                try:
                    output = self._execute(session, statement)
                finally:
                    session.lock.acquire()
                if statement["state"] != "cancelled":
                    statement["output"] = output
                    statement["state"] = "available"
                    statement["progress"] = 1.0
                statement["completed"] = int(time.time() * 1000)
                if session.state == "busy":
                    session.state = "idle"

    def _execute(self, session: _Session, statement: dict[str, Any]) -> dict[str, Any]:
        count = statement["id"]
        kind = statement.get("kind") or session.kind
        try:
            if kind == "sql":
                df = self.spark.sql(statement["code"])
                rows = [[_plain(v) for v in row] for row in df.take(SQL_ROWS)]
                data: dict[str, Any] = {
                    "application/json": {"schema": json.loads(df.schema.json()), "data": rows}
                }
            elif kind == "pyspark":
                data = {"text/plain": _run_python(statement["code"], session.namespace)}
            else:
                raise NotImplementedError(f"the stand-in runs pyspark and sql, not {kind}")
        except Exception as exc:
            return {
                "status": "error",
                "execution_count": count,
                "ename": type(exc).__name__,
                "evalue": str(exc),
                "traceback": traceback.format_exception(exc)[1:],
            }
        return {"status": "ok", "execution_count": count, "data": data}

    def _submit(self, session: _Session, body: dict[str, Any]) -> dict[str, Any]:
        with session.lock:
            statement = {
                "id": len(session.statements),
                "code": body.get("code", ""),
                "kind": body.get("kind"),
                "state": "waiting",
                "output": None,
                "progress": 0.0,
                "started": 0,
                "completed": 0,
            }
            session.statements.append(statement)
            session.queue.append(statement)
            session.lock.notify_all()
            return dict(statement)

    def kill(self, session_id: int) -> None:
        """The session dies (its driver exited): it stays listed, in state dead."""
        session = self.sessions[session_id]
        self._end(session)
        session.log.append("stand-in: the driver exited")

    def _end(self, session: _Session) -> None:
        with session.lock:
            session.state = "dead"
            session.lock.notify_all()

    # -- HTTP

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: Any) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                data = json.loads(raw or b"{}")
                return data if isinstance(data, dict) else {}

            def _route(self, method: str) -> None:
                path = self.path.split("?", 1)[0].rstrip("/")
                standin.requests.append((method, path))
                match = re.fullmatch(
                    r"/sessions(?:/(\d+)(?:/(state|log|statements)(?:/(\d+)(/cancel)?)?)?)?", path
                )
                if not match:
                    self._reply(404, {"msg": f"no route {method} {path}"})
                    return
                sid, part, stid, cancel = match.groups()
                if sid is None:
                    if method == "GET":
                        views = [s.view() for s in standin.sessions.values()]
                        self._reply(200, {"from": 0, "total": len(views), "sessions": views})
                    elif method == "POST":
                        body = self._body()
                        if body.get("kind", "spark") not in KINDS:
                            self._reply(400, {"msg": f"unknown kind {body.get('kind')}"})
                            return
                        self._reply(201, standin._create(body).view())
                    else:
                        self._reply(405, {"msg": "method not allowed"})
                    return
                session = standin.sessions.get(int(sid))
                if session is None:
                    self._reply(404, {"msg": f"Session '{sid}' not found."})
                    return
                if part is None:
                    if method == "GET":
                        self._reply(200, session.view())
                    elif method == "DELETE":
                        standin.deleted.append(session.id)
                        standin.sessions.pop(session.id, None)
                        standin._end(session)
                        self._reply(200, {"msg": "deleted"})
                    else:
                        self._reply(405, {"msg": "method not allowed"})
                elif part == "state":
                    self._reply(200, {"id": session.id, "state": session.state})
                elif part == "log":
                    self._reply(
                        200,
                        {
                            "id": session.id,
                            "from": 0,
                            "total": len(session.log),
                            "log": session.log,
                        },
                    )
                elif stid is None and method == "POST":
                    self._reply(201, standin._submit(session, self._body()))
                elif stid is None:
                    with session.lock:
                        listed = [dict(s) for s in session.statements]
                    self._reply(200, {"total_statements": len(listed), "statements": listed})
                else:
                    with session.lock:
                        found = [s for s in session.statements if s["id"] == int(stid)]
                        if found and cancel and method == "POST":
                            if found[0]["state"] in ("waiting", "running"):
                                found[0]["state"] = "cancelled"
                            self._reply(200, {"msg": "canceled"})
                            return
                        view = dict(found[0]) if found else None
                    if view is None:
                        self._reply(404, {"msg": f"Statement '{stid}' not found."})
                    else:
                        self._reply(200, view)

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

            def do_DELETE(self) -> None:
                self._route("DELETE")

        return Handler


def _run_python(code: str, namespace: dict[str, Any]) -> str:
    """Run ``code`` like an interactive shell: print()s, then the value of a last expression."""
    out = io.StringIO()

    def shell_print(*args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("file", out)
        print(*args, **kwargs)

    namespace["print"] = shell_print
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<livy>", "exec"), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), "<livy>", "eval"), namespace)
        if value is not None:
            out.write(repr(value) + "\n")
    return out.getvalue()


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    with contextlib.suppress(TypeError, ValueError):
        return json.loads(json.dumps(value))
    return str(value)
