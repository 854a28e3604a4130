#!/usr/bin/env python3
"""Production-shape smoke test: the installation of docs/deploy.md, started for real and checked over HTTP.

On a fresh PostgreSQL database and with the production settings (DEBUG off, secure cookies, HSTS, the
manifest static storage), it runs `collectstatic`, `migrate` and `demo_seed`, starts gunicorn with several
workers and one `db_worker`, and talks to gunicorn on the loopback interface as nginx would
(`Host`, `X-Forwarded-Proto: https`, `X-Forwarded-For`): public pages, hashed static files, a friendly 404,
the HTTPS redirect, secure cookies, a staff sign-in and pages, the login lockout per client address behind
the proxy, the audit trail's client address, an API token and the API, and a public registration whose
e-mail the task worker delivers to a local SMTP sink.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python scripts/prod_smoke.py

DATABASE_URL names the server (and a role allowed to create databases); a database `smoke_<pid>` is created
for the run and dropped at the end. Exit status 0 when every check passed.
"""

import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "platform.example.cn"
ORIGIN = f"https://{HOST}"
PASSWORD = "Center#2026"  # noqa: S105  (the demo accounts' password, center/accounts/demo.py)
WORKERS = 3


def log(message: str) -> None:
    print(f"[smoke {time.strftime('%H:%M:%S')}] {message}", flush=True)


class SmokeFailure(AssertionError):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)
    log(f"ok  {message}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a local SMTP sink: the task worker's e-mails land here -------------------------------------------------


class _SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        def say(line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        say("220 smoke ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode(errors="replace").strip().split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                say("250 smoke")
            elif verb == "DATA":
                say("354 end with .")
                body = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    body.append(chunk)
                self.server.messages.append(b"".join(body))
                say("250 queued")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                say("250 ok")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.messages: list[bytes] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()


# --- HTTP as nginx forwards it ------------------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name: str) -> str:
        return ", ".join(v for k, v in self.headers if k.lower() == name.lower())

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Browser:
    """One client behind the proxy: its own address and cookie jar; every request goes to gunicorn as nginx
    sends it (Host, X-Forwarded-Proto, X-Forwarded-For with the client's address appended)."""

    def __init__(self, port: int, client_address: str, *, https: bool = True, forged_xff: str = ""):
        self.port = port
        self.client_address = client_address
        self.https = https
        self.forged_xff = forged_xff
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method: str, path: str, *, data=None, headers=None) -> Response:
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        xff = f"{self.forged_xff}, {self.client_address}" if self.forged_xff else self.client_address
        h = {"Host": HOST, "X-Forwarded-For": xff, "Accept-Language": "zh-hans", "User-Agent": "prod-smoke"}
        if self.https:
            h["X-Forwarded-Proto"] = "https"
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            h["Content-Type"] = "application/x-www-form-urlencoded"
            h["Origin"] = ORIGIN
            h["Referer"] = ORIGIN + path
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        raw = conn.getresponse()
        response = Response(raw.status, raw.getheaders(), raw.read())
        conn.close()
        for value in response.all("Set-Cookie"):
            self.set_cookie_headers.append(value)
            for name, morsel in SimpleCookie(value).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, data, **kw) -> Response:
        return self.request("POST", path, data=data, **kw)

    def cookie_attributes(self, name: str) -> str:
        found = [c for c in self.set_cookie_headers if c.startswith(name + "=")]
        return found[-1] if found else ""


class _Forms(HTMLParser):
    """Every <form> of a page with its fields (enough to fill and submit one as a browser would)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self._text = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").lower()})
            self.forms[-1]["fields"] = []
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            fields.append(
                {
                    "name": a["name"],
                    "type": (a.get("type") or "text").lower(),
                    "value": a.get("value", ""),
                    "required": "required" in a,
                    "checked": "checked" in a,
                }
            )
        elif tag == "textarea" and a.get("name"):
            fields.append({"name": a["name"], "type": "textarea", "value": "", "required": "required" in a})
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "type": "select", "options": [], "required": "required" in a}
            fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_of(page: str) -> list[dict]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


def form_data(form: dict, values: dict) -> dict:
    """The submitted values: `values` first, hidden and preset fields as the page has them, something valid
    in every other required field."""
    data: dict[str, list[str]] = {}
    for f in form["fields"]:
        name, kind = f["name"], f["type"]
        if name in values:
            data[name] = [values[name]]
        elif kind in ("hidden",) or (kind not in ("checkbox", "radio", "submit", "file") and f["value"]):
            data.setdefault(name, []).append(f["value"])
        elif kind in ("checkbox", "radio"):
            if f.get("checked") or (f["required"] and name not in data):
                data[name] = [f["value"] or "on"]
        elif kind == "select":
            options = [o for o in f["options"] if o]
            if options:
                data[name] = [options[0]]
        elif kind in ("text", "textarea") and f["required"]:
            data[name] = ["冒烟测试"]
    return data


SEED = """
import sys
from datetime import timedelta
from decimal import Decimal
from django.utils import timezone
from center.accounts import demo
from center.accounts.models import User
from center.events import services
from center.events.enums import EventState
from center.events.models import Event, EventType
demo.seed(sys.stdout)
kind = EventType.objects.get_or_create(code="smoke", defaults={"name": "冒烟测试"})[0]
start = timezone.now() + timedelta(days=7)
event = services.event_create(
    actor=User.objects.get(username="staff_exc"), type=kind, title="冒烟测试活动", starts_at=start,
    ends_at=start + timedelta(hours=2), capacity=50, planned_cost=Decimal("1000.00"),
)
Event.objects.filter(pk=event.pk).update(state=EventState.REGISTRATION_OPEN)
"""


# --- the installation ---------------------------------------------------------------------------------------


class Installation:
    def __init__(self, server_url: str):
        parts = urlsplit(server_url)
        self.database = f"smoke_{os.getpid()}"
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        self.database_url = urlunsplit(parts._replace(path="/" + self.database))
        self.tmp = Path(tempfile.mkdtemp(prefix="prod-smoke-"))
        self.port = free_port()
        self.smtp = SmtpSink()
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEYS": secrets.token_urlsafe(32),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_CSRF_TRUSTED_ORIGINS": ORIGIN,
            "DJANGO_STATIC_ROOT": str(self.tmp / "static"),
            "DJANGO_MEDIA_ROOT": str(self.tmp / "uploads"),
            "DATABASE_URL": self.database_url,
            "TRUSTED_PROXY_COUNT": "1",
            "TWO_FACTOR_ENFORCED": "1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp.server_address[1]),
            "SITE_URL": ORIGIN,
            "PYTHONUNBUFFERED": "1",
        }

    def _admin_sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def manage(self, *args: str) -> str:
        started = time.monotonic()
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if result.returncode != 0:
            raise SmokeFailure(
                f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}"
            )
        log(f"ok  manage.py {' '.join(args[:2])} ({time.monotonic() - started:.1f} s)")
        return result.stdout

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        out = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        proc.log_path = self.tmp / f"{name}.log"
        self.processes.append(proc)
        return proc

    def up(self) -> None:
        self._admin_sql(f'CREATE DATABASE "{self.database}"')
        # Independent steps side by side: the static files do not need the database.
        errors: list[Exception] = []

        def aside(*args):
            try:
                self.manage(*args)
            except Exception as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)

        side = [
            threading.Thread(target=aside, args=("collectstatic", "--noinput", "-v", "0")),
            threading.Thread(target=aside, args=("check", "--deploy", "--fail-level", "WARNING")),
        ]
        for t in side:
            t.start()
        self.manage("migrate", "--noinput", "-v", "0")
        if os.environ.get("SMOKE_FULL_DEMO") == "1":
            self.manage("demo_seed")
        else:  # the demo accounts and one open event: enough for every check, and quick
            self.manage("shell", "--no-imports", "-c", SEED)
        for t in side:
            t.join()
        if errors:
            raise errors[0]
        if not (self.tmp / "static" / "staticfiles.json").is_file():
            raise SmokeFailure("collectstatic did not write the manifest")
        self.gunicorn = self.start(
            "gunicorn",
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "config.wsgi",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "--access-logfile",
                "-",
            ],
        )
        self.worker = self.start(
            "db_worker", [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--no-startup-delay"]
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.gunicorn.poll() is not None:
                raise SmokeFailure("gunicorn stopped:\n" + self.gunicorn.log_path.read_text()[-4000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise SmokeFailure("gunicorn did not start listening within 60 s")
        log(f"gunicorn ({WORKERS} workers) on 127.0.0.1:{self.port}, db_worker, SMTP sink ready")

    def down(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.smtp.shutdown()
        shutil.rmtree(self.tmp, ignore_errors=True)
        try:
            self._admin_sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        except Exception as exc:  # noqa: BLE001 (cleanup must not hide the result)
            log(f"could not drop {self.database}: {exc}")

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.log_path.name} ---\n{p.log_path.read_text(errors='replace')[-3000:]}"
            for p in self.processes
        )


# --- the checks ---------------------------------------------------------------------------------------------


def sign_in(browser: Browser, username: str, password: str = PASSWORD) -> Response:
    page = browser.get("/accounts/login/")
    form = next(f for f in forms_of(page.text) if any(x["name"] == "password" for x in f["fields"]))
    return browser.post("/accounts/login/", form_data(form, {"username": username, "password": password}))


def check_transport(inst: Installation) -> None:
    plain = Browser(inst.port, "198.51.100.10", https=False).get("/")
    check(
        plain.status == 301 and plain.header("Location") == f"{ORIGIN}/",
        "plain HTTP is redirected to HTTPS (SECURE_SSL_REDIRECT)",
    )
    secure = Browser(inst.port, "198.51.100.10").get("/")
    check(
        secure.status == 200, "X-Forwarded-Proto: https is trusted (SECURE_PROXY_SSL_HEADER): home page 200"
    )
    check("max-age=31536000" in secure.header("Strict-Transport-Security"), "HSTS on HTTPS answers")
    wrong_host = Browser(inst.port, "198.51.100.10").get("/", headers={"Host": "evil.example"})
    check(wrong_host.status == 400, "a Host outside DJANGO_ALLOWED_HOSTS is refused (400)")


def check_public_pages_and_static(inst: Installation) -> None:
    visitor = Browser(inst.port, "198.51.100.11")
    stylesheets = set()
    for path in ("/", "/events/", "/events/calendar/", "/accounts/login/"):
        r = visitor.get(path)
        check(r.status == 200, f"public page {path} answers 200")
        check(
            "no-store" not in r.header("Cache-Control") or path == "/accounts/login/",
            f"{path} stays cacheable",
        )
        check("camera=()" in r.header("Permissions-Policy"), f"{path} denies the camera (Permissions-Policy)")
        stylesheets.update(re.findall(r'href="(/static/[^"]+\.css)"', r.text))
    hashed = [s for s in stylesheets if re.search(r"\.[0-9a-f]{12}\.css$", s)]
    check(
        hashed and len(hashed) == len(stylesheets),
        f"pages link hashed static files ({len(hashed)} stylesheets)",
    )
    bootstrap = next(s for s in hashed if "bootstrap.min" in s)
    css = visitor.get(bootstrap, headers={"Accept-Encoding": "gzip"})
    check(css.status == 200 and css.header("Content-Type").startswith("text/css"), f"{bootstrap} served")
    check("immutable" in css.header("Cache-Control"), "hashed static files are cached for ever (immutable)")
    check(css.header("Content-Encoding") == "gzip", "static files are served compressed")
    check("sourceMappingURL" not in css.body.decode("latin-1"), "no dangling source map reference")
    missing = visitor.get("/no-such-page/")
    check(missing.status == 404, "an unknown URL answers 404")
    check(
        "页面或对象不存在" in missing.text
        and "Page not found" not in missing.text
        and "URLconf" not in missing.text
        and "DEBUG" not in missing.text,
        "the 404 is the friendly page, not Django's debug page",
    )


def check_sign_in_and_lockout(inst: Installation) -> Browser:
    # Five wrong passwords from one client behind the proxy lock out that client only.
    attacker = Browser(inst.port, "203.0.113.66")
    for i in range(5):
        attacker.forged_xff = f"10.66.0.{i}"  # forged hops the proxy passes on: must not change the address
        r = sign_in(attacker, "head_exc", "wrong-password")
        check(r.status == (429 if i == 4 else 200), f"wrong password {i + 1} refused")
    check(sign_in(attacker, "head_exc").status == 429, "the attacker's address is locked out (429)")
    staff = Browser(inst.port, "198.51.100.20")
    r = sign_in(staff, "head_exc")
    check(
        r.status == 302 and r.header("Location") == "/workbench/",
        "the same account signs in from another address",
    )
    session = staff.cookie_attributes("sessionid").lower()
    check(
        "secure" in session and "httponly" in session and "samesite=lax" in session,
        "the session cookie is Secure, HttpOnly, SameSite=Lax",
    )
    check("secure" in staff.cookie_attributes("csrftoken").lower(), "the CSRF cookie is Secure")
    return staff


def check_staff_pages(inst: Installation, staff: Browser) -> None:
    for path in ("/workbench/", "/events/manage/", "/accounts/profile/", "/notifications/"):
        r = staff.get(path)
        check(r.status == 200, f"staff page {path} answers 200")
        cache = r.header("Cache-Control")
        check("private" in cache and "no-store" in cache, f"{path} is Cache-Control: private, no-store")
    r = Browser(inst.port, "198.51.100.21").get("/workbench/")
    check(
        r.status == 302 and "/accounts/login/" in r.header("Location"), "signed-out visitors go to the login"
    )


def check_api(inst: Installation, staff: Browser) -> None:
    profile = staff.get("/accounts/profile/")
    form = next(
        f
        for f in forms_of(profile.text)
        if any(x["name"] == "form" and x["value"] == "token" for x in f["fields"])
    )
    created = staff.post("/accounts/profile/", form_data(form, {"name": "smoke", "days": "1"}))
    match = re.search(r"(szt_[A-Za-z0-9_\-]+)", created.text)
    check(created.status == 200 and match, "an API token is created on the profile page")
    api = Browser(inst.port, "198.51.100.30")
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {match.group(1)}"})
    check(me.status == 200 and json.loads(me.body)["username"] == "head_exc", "GET /api/v1/me with the token")
    check("no-store" in me.header("Cache-Control"), "API answers for a token are not stored")
    check(api.get("/api/v1/me").status == 401, "the API without a token answers 401")
    docs = api.get("/api/docs")
    check(docs.status == 302 and docs.header("Location") == "/api/v1/docs", "/api/docs leads to the API docs")
    check(api.get("/api/v1/docs").status == 302, "the API docs need a sign-in")
    check(staff.get("/api/v1/docs").status == 200, "the API docs page answers 200 to staff")
    schema = staff.get("/api/v1/openapi.json")
    check(
        schema.status == 200 and "/api/v1/me" in json.loads(schema.body)["paths"],
        "the OpenAPI schema answers",
    )


def check_audit_addresses(inst: Installation) -> None:
    code = (
        "from center.core.models import AuditEntry as A;"
        "print(sorted({e.ip for e in A.objects.filter(action='security.login.failed')}));"
        "print(A.objects.filter(action='security.login.succeeded').latest('pk').ip)"
    )
    failed, succeeded = inst.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-2:]
    check(failed == "['203.0.113.66']", f"failed sign-ins are audited with the client's address {failed}")
    check(succeeded == "198.51.100.20", f"the sign-in is audited with the client's address {succeeded}")


def check_registration_and_worker(inst: Installation) -> None:
    visitor = Browser(inst.port, "198.51.100.40")
    listing = visitor.get("/events/")
    email = f"smoke-{secrets.token_hex(4)}@example.com"
    for pk in dict.fromkeys(re.findall(r'href="/events/(\d+)/"', listing.text)):
        page = visitor.get(f"/events/{pk}/")
        forms = [f for f in forms_of(page.text) if any(x["name"] == "email" for x in f["fields"])]
        if not forms or any(x["type"] == "file" and x["required"] for x in forms[0]["fields"]):
            continue
        values = {"name": "冒烟测试", "email": email, "phone": "13900001234", "organisation": "测试单位"}
        r = visitor.post(f"/events/{pk}/", form_data(forms[0], values))
        if r.status == 302 and "/events/t/" in r.header("Location"):
            break
    else:
        raise SmokeFailure("no open event accepted a public registration")
    log(f"ok  public registration for event {pk}")
    ticket = visitor.get(urlsplit(r.header("Location")).path)
    check(ticket.status == 200, "the ticket page answers 200")
    check("no-store" in ticket.header("Cache-Control"), "the personal ticket page is not stored")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(email.encode() in m for m in inst.smtp.messages):
        if inst.worker.poll() is not None:
            raise SmokeFailure("db_worker stopped")
        time.sleep(0.3)
    check(
        any(email.encode() in m for m in inst.smtp.messages), "the task worker sent the registration e-mail"
    )


def main() -> int:
    server = os.environ.get("SMOKE_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        print(
            "prod_smoke: set DATABASE_URL=postgres://user@host:5432/any (the server to use)", file=sys.stderr
        )
        return 2
    started = time.monotonic()
    inst = Installation(server)
    try:
        inst.up()
        check_transport(inst)
        check_public_pages_and_static(inst)
        staff = check_sign_in_and_lockout(inst)
        check_staff_pages(inst, staff)
        check_api(inst, staff)
        check_registration_and_worker(inst)
        check_audit_addresses(inst)
        for proc in inst.processes:
            check(proc.poll() is None, f"{proc.log_path.stem} still running")
    except (SmokeFailure, StopIteration, KeyError, OSError, json.JSONDecodeError) as exc:
        print(
            f"\nPRODUCTION SMOKE TEST FAILED: {html.unescape(str(exc)) or type(exc).__name__}",
            file=sys.stderr,
        )
        print(inst.logs(), file=sys.stderr)
        return 1
    finally:
        inst.down()
    log(f"production smoke test passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
