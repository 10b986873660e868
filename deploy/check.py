"""`make deploy-check`: the deployment kit of deploy/ run for real, and checked through nginx.

Starts, all on 127.0.0.1, on free ports and in temporary folders:
- a PostgreSQL cluster of its own (initdb, pg_ctl; as the postgres user when run as root) with the site's
  database (migrated, seeded, static files collected), and a Redis db;
- two gunicorn app servers with deploy/gunicorn.conf.py, sharing that database, Redis and media folder;
- Debian's nginx with deploy/nginx/hnda.conf.template rendered by envsubst (a self-signed
  certificate made on the fly);
then checks through nginx (and on each app server where the check is about the servers): pages,
static and media files with their headers, the HTTPS redirect and HSTS, an admin session opened on
one server and used on the other, a staff edit seen through both, a member import previewed on one
and confirmed on the other, HEAD requests through nginx's micro-cache (never a counted view), the
database stopped in the middle of a stream of visitors (the app's Chinese 503 or the last good copy of a
cached page, never nginx's 502), one app server stopped in the middle of a stream of visitors, and
nginx's own Chinese error page once no app server is left.
Exits non-zero, naming the check, if anything fails. Cleans up after itself.
"""

import argparse
import glob
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
HOST = "www.example.org"
ADMIN_USER = "deploycheck"
ADMIN_PASSWORD = "Deploy-check-pass-" + "x9" * 4
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

failures = []


def log(message):
    print(f"deploy-check: {message}", flush=True)


def check(condition, what, detail=""):
    """Record one check; a failure is reported and makes the run fail at the end."""
    if condition:
        log(f"ok   {what}")
    else:
        log(f"FAIL {what}{': ' + detail if detail else ''}")
        failures.append(what)
    return condition


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- HTTP ---------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return self.headers.get(name.lower(), "")

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Client:
    """A tiny cookie-keeping HTTP(S) client aimed at one address, sending Host: www.example.org."""

    def __init__(self, port, tls=False, proxy_headers=False, public_port=None):
        self.port, self.tls, self.proxy_headers = port, tls, proxy_headers
        # The origin the visitor sees (nginx's HTTPS port), for Host, Origin and Referer.
        self.host = f"{HOST}:{public_port or port}"
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=context)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        all_headers = {"Host": self.host, "User-Agent": BROWSER_UA, "Accept-Language": "zh-CN"}
        if self.proxy_headers:  # what nginx adds in front of an app server
            all_headers |= {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            all_headers |= {"Origin": f"https://{self.host}", "Referer": f"https://{self.host}{path}"}
        all_headers |= headers or {}
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            data = raw.read()
            response_headers = {}
            for name, value in raw.getheaders():
                key = name.lower()
                response_headers[key] = f"{response_headers[key]}, {value}" if key in response_headers else value
                if key == "set-cookie":
                    for morsel in SimpleCookie(value).values():
                        self.cookies[morsel.key] = morsel.value
            return Response(raw.status, response_headers, data)
        finally:
            connection.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path, fields):
        body = urlencode(fields, doseq=True).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(self, path, fields, files):
        boundary = "----hndaDeployCheck7MA4YWxkTrZu0gW"
        parts = []
        for name, value in fields:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content, content_type) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


class FormParser(HTMLParser):
    """The successful controls of the forms in a page: [(action, [(name, value), ...]), ...]."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._textarea, self._text = [], None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", attrs.get("method", "get").lower(), []))
        if not self.forms:
            return
        fields = self.forms[-1][2]
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            fields.append((name, attrs.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select" and name:
            self._select = [name, None, None]  # name, first option, selected option
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in attrs:
                self._select[2] = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, first, chosen = self._select
            value = chosen if chosen is not None else first
            if value is not None and self.forms:
                self.forms[-1][2].append((name, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1][2].append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def forms_of(html):
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def form_with(html, field_name):
    """The fields of the first POST form that has ``field_name``."""
    for _action, method, fields in forms_of(html):
        if method == "post" and any(name == field_name for name, _ in fields):
            return fields
    raise AssertionError(f"no form with a {field_name!r} field")


def replace_field(fields, name, value):
    return [(key, value if key == name else old) for key, old in fields]


# --- Servers ------------------------------------------------------------------


class ScratchPostgres:
    """A PostgreSQL cluster of the check's own, so that it can stop the database under load."""

    def __init__(self):
        found = shutil.which("initdb") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1:]), None)
        if found is None:
            raise SystemExit("deploy-check: PostgreSQL's initdb not found (apt-get install postgresql)")
        self.bindir = Path(found).resolve().parent
        self.dir = Path(tempfile.mkdtemp(prefix="hnda-deploy-check-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        # PostgreSQL refuses to run as root: the cluster then belongs to the postgres user.
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.dir, user=self.user, group=self.user)
        self.running = False
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/hnda_deploy_check"

    def run(self, program, *arguments):
        done = subprocess.run(
            [str(self.bindir / program), *arguments], cwd=self.dir, user=self.user, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"deploy-check: {program} failed:\n{done.stdout}{done.stderr}")

    def init(self):
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C",
                 "--no-sync")  # fmt: skip
        self.start()

    def start(self):
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
            " -c synchronous_commit=off"
        )
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "postgres.log"), "-o", options, "-w", "start")
        self.running = True

    def stop(self):
        """A fast shutdown: open sessions are ended, new connections refused (as a database host going down)."""
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.running = False

    def close(self, keep):
        if self.running:
            self.stop()
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)


class Stack:
    def __init__(self, database_url, redis_url, keep):
        self.tmp = Path(tempfile.mkdtemp(prefix="hnda-deploy-check-"))
        self.database_url, self.redis_url, self.keep = database_url, redis_url, keep
        self.processes = {}
        self.http_port, self.https_port = free_port(), free_port()
        self.app_ports = [free_port(), free_port()]
        self.media = self.tmp / "media"
        self.media.mkdir()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "REDIS_", "DATABASE_", "E2E_")) and key != "DEBUG"
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="hnda_site.settings",
            DEBUG="false",
            SECRET_KEY="deploy-check-" + "not-a-real-secret-" * 3,
            ALLOWED_HOSTS=HOST,
            BEHIND_PROXY="true",
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            CACHE_KEY_PREFIX=f"hnda-deploy-check-{os.getpid()}",
            MEDIA_ROOT=str(self.media),
            STATIC_ROOT=str(self.tmp / "static"),
            BACKUP_DIR=str(self.tmp / "backups"),
            LOG_LEVEL="WARNING",
            GUNICORN_WORKERS="2",
            GUNICORN_ACCESS_LOG="/dev/null",
            GUNICORN_LOG_LEVEL="warning",
        )

    def manage(self, *arguments, stdin=None):
        done = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"deploy-check: manage.py {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def prepare_database(self):
        import psycopg

        name = urlsplit(self.database_url).path.lstrip("/")
        if not re.fullmatch(r"[a-z0-9_]+", name) or name in {"postgres", "template0", "template1"}:
            raise SystemExit(f"deploy-check: use a scratch database name, not {name!r}")
        admin = urlunsplit(urlsplit(self.database_url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        self.manage("migrate", "--noinput")
        self.manage("load_seed")
        self.manage("collectstatic", "--noinput")
        self.manage("check", "--deploy", "--fail-level", "WARNING")
        script = (
            "from django.contrib.auth.models import User; "
            f"User.objects.create_superuser({ADMIN_USER!r}, 'deploy@example.org', {ADMIN_PASSWORD!r})"
        )
        self.manage("shell", "-c", script)

    def start_app(self, index):
        port = self.app_ports[index]
        # Each app server has a temporary folder of its own, as on separate hosts (or systemd's PrivateTmp).
        tmpdir = self.tmp / f"app{index + 1}-tmp"
        tmpdir.mkdir()
        env = dict(self.env, GUNICORN_BIND=f"127.0.0.1:{port}", TMPDIR=str(tmpdir))
        log_file = open(self.tmp / f"app{index + 1}.log", "w")  # noqa: SIM115 - closed in stop()
        command = [str(VENV_BIN / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py"), "hnda_site.wsgi"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        self.processes[f"app{index + 1}"] = (process, log_file)
        self.wait_for(port, f"app server {index + 1}", process)

    def render_nginx(self):
        cert, key = self.tmp / "cert.pem", self.tmp / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
             "-addext", f"subjectAltName=DNS:{HOST}", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        values = {
            "HNDA_SERVER_NAME": HOST,
            "HNDA_HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
            "HNDA_HTTPS_LISTEN": f"127.0.0.1:{self.https_port}",
            "HNDA_HTTPS_PORT_SUFFIX": f":{self.https_port}",
            "HNDA_TLS_CERT": str(cert),
            "HNDA_TLS_KEY": str(key),
            "HNDA_ACME_ROOT": str(self.tmp / "acme"),
            "HNDA_APP_SERVER_1": f"127.0.0.1:{self.app_ports[0]}",
            "HNDA_APP_SERVER_2": f"127.0.0.1:{self.app_ports[1]}",
            "HNDA_FAIL_TIMEOUT": "10s",
            "HNDA_MEDIA_ROOT": str(self.media),
            "HNDA_CACHE_DIR": str(self.tmp / "nginx-cache"),
            "HNDA_ERROR_PAGES": str(self.tmp / "nginx-errors"),
        }
        # As README's install step: nginx's own error page, from deploy/nginx/errors/.
        (self.tmp / "nginx-errors").mkdir()
        shutil.copy(DEPLOY / "nginx" / "errors" / "50x.html", self.tmp / "nginx-errors" / "50x.html")
        names = " ".join(f"${{{name}}}" for name in values)
        template = (DEPLOY / "nginx" / "hnda.conf.template").read_text()
        site = subprocess.run(
            ["envsubst", names], input=template, env=dict(os.environ, **values), capture_output=True, text=True,
            check=True,
        ).stdout  # fmt: skip
        # Listening on 127.0.0.1 only: drop the IPv6 twins of the listen lines.
        site = re.sub(r"^\s*listen \[::\].*\n", "", site, flags=re.MULTILINE)
        (self.tmp / "hnda.conf").write_text(site)
        (self.tmp / "nginx.conf").write_text(
            f"""user root;
worker_processes 1;
pid {self.tmp}/nginx.pid;
error_log {self.tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {self.tmp}/nginx-body;
    proxy_temp_path {self.tmp}/nginx-proxy;
    fastcgi_temp_path {self.tmp}/nginx-fastcgi;
    uwsgi_temp_path {self.tmp}/nginx-uwsgi;
    scgi_temp_path {self.tmp}/nginx-scgi;
    include {self.tmp}/hnda.conf;
}}
"""
        )

    def start_nginx(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        config = str(self.tmp / "nginx.conf")
        test = subprocess.run([nginx, "-t", "-c", config], capture_output=True, text=True, check=False)
        if test.returncode != 0:
            raise SystemExit(f"deploy-check: nginx -t failed:\n{test.stderr}")
        log_file = open(self.tmp / "nginx.log", "w")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(
            [nginx, "-c", config, "-g", "daemon off;"], stdout=log_file, stderr=subprocess.STDOUT
        )
        self.processes["nginx"] = (process, log_file)
        self.wait_for(self.https_port, "nginx", process)

    def wait_for(self, port, what, process, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"deploy-check: {what} exited with status {process.returncode}; see {self.tmp}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.2)
        raise SystemExit(f"deploy-check: {what} did not listen on port {port} within {timeout} s")

    def stop(self, name, sig=signal.SIGTERM):
        process, log_file = self.processes.pop(name)
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log_file.close()

    def close(self):
        for name in list(self.processes):
            self.stop(name)
        try:
            import redis

            client = redis.Redis.from_url(self.redis_url)
            keys = list(client.scan_iter(match=f"*hnda-deploy-check-{os.getpid()}*"))
            if keys:
                client.delete(*keys)
        except Exception as error:  # cleaning up is best effort
            log(f"could not clean Redis: {error}")
        if failures or self.keep:
            log(f"logs and configuration kept in {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


# --- The checks -----------------------------------------------------------------


def check_pages_and_headers(stack, site):
    plain = Client(stack.http_port)
    redirect = plain.get("/news/?page=1")
    check(
        redirect.status == 301 and redirect.header("location") == f"https://{HOST}:{stack.https_port}/news/?page=1",
        "HTTP redirects to the same URL over HTTPS",
        f"{redirect.status} {redirect.header('location')}",
    )
    home = site.get("/")
    check(home.status == 200 and "湖南省开发区协会" in home.text, "home page through nginx", str(home.status))
    hsts = home.header("strict-transport-security")
    check(hsts.count("max-age=") == 1 and "max-age=31536000" in hsts, "one HSTS header on pages", hsts)
    for path in [
        "/news/",
        "/about/charter/",
        "/members/",
        "/search/?q=%E9%AB%98%E6%96%B0%E5%8C%BA",
        "/news/feed/",
        "/sitemap.xml",
    ]:
        response = site.get(path)
        check(response.status == 200, f"{path} through nginx", str(response.status))
    article = re.search(r'href="(/news/\d+/)"', home.text)
    if check(article is not None, "home page links an article"):
        check(site.get(article.group(1)).status == 200, "an article page through nginx")
    missing = site.get("/news/999999999/")
    check(missing.status == 404 and "页面" in missing.text, "a missing page is the Chinese 404", str(missing.status))
    gzipped = site.get("/news/", headers={"Accept-Encoding": "gzip"})
    check(gzipped.header("content-encoding") == "gzip", "pages are gzip-compressed", gzipped.header("content-encoding"))
    health = Client(stack.app_ports[0]).get("/healthz")
    check(health.status == 200 and health.text.strip() == "ok", "app server health check (/healthz)")

    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home.text)
    if check(stylesheet is not None, "home page links a stylesheet"):
        css = site.get(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
        check(css.status == 200 and "text/css" in css.header("content-type"), "static CSS through nginx")
        check(
            "immutable" in css.header("cache-control"), "hashed static files are immutable", css.header("cache-control")
        )
        check(css.header("content-encoding") == "gzip", "static files compressed", css.header("content-encoding"))

    (stack.media / "uploads").mkdir(exist_ok=True)
    (stack.media / "uploads" / "check.png").write_bytes(PNG_1PX)
    (stack.media / "uploads" / "evil.html").write_text("<script>alert(1)</script>")
    (stack.media / "uploads" / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    image = site.get("/media/uploads/check.png")
    check(image.status == 200 and image.header("content-type") == "image/png", "media image served by nginx")
    check(image.header("x-content-type-options") == "nosniff", "media files carry nosniff")
    check("sandbox" in image.header("content-security-policy"), "media files are sandboxed (no script)")
    check("max-age=31536000" in image.header("strict-transport-security"), "media files carry HSTS")
    for name in ["evil.html", "evil.svg"]:
        refused = site.get(f"/media/uploads/{name}")
        check(refused.status == 403, f"media {name} is refused", str(refused.status))


def check_attachments(stack, site):
    """An attachment comes only through the download view, with its headers; its stored file is 403 at /media/."""
    script = (
        "from django.core.files.base import ContentFile; from news.models import Article; "
        "from attachments.models import Attachment; "
        "a = Attachment.objects.create(article=Article.objects.published().first(), "
        "file=ContentFile(b'%PDF-1.4\\n%%EOF\\n', name='会议通知.pdf')); print(a.pk, a.file.name)"
    )
    pk, stored = stack.manage("shell", "-c", script).strip().splitlines()[-1].split()
    download = site.get(f"/files/{pk}/")
    check(download.status == 200 and download.header("content-type") == "application/pdf", "attachment download")
    disposition = download.header("content-disposition")
    check(
        disposition.startswith("attachment;") and "filename*=UTF-8''%E4%BC%9A" in disposition,
        "attachment: Content-Disposition with the Chinese name (RFC 5987)",
        disposition,
    )
    check(download.header("x-content-type-options") == "nosniff", "attachment: nosniff")
    check("sandbox" in download.header("content-security-policy"), "attachment: sandboxed")
    again = site.get(f"/files/{pk}/")
    check(
        again.header("x-micro-cache") != "HIT",
        "attachment: never from nginx's micro-cache",
        again.header("x-micro-cache"),
    )
    raw = site.get(f"/media/{stored}")
    check(raw.status == 403, "attachment: its stored file is not served from /media/", str(raw.status))


def login(client):
    page = client.get("/admin/login/?next=/admin/")
    fields = form_with(page.text, "username")
    fields = replace_field(replace_field(fields, "username", ADMIN_USER), "password", ADMIN_PASSWORD)
    if not any(name == "password" for name, _ in fields):
        fields.append(("password", ADMIN_PASSWORD))
    return client.post_form("/admin/login/?next=/admin/", fields)


def check_sessions_across_servers(stack):
    app1 = Client(stack.app_ports[0], proxy_headers=True, public_port=stack.https_port)
    answer = login(app1)
    check(answer.status == 302 and "sessionid" in app1.cookies, "admin login on app server 1", str(answer.status))
    app2 = Client(stack.app_ports[1], proxy_headers=True, public_port=stack.https_port)
    app2.cookies = dict(app1.cookies)
    index = app2.get("/admin/")
    check(index.status == 200 and ADMIN_USER in index.text, "the session works on app server 2", str(index.status))
    return app1, app2


def check_edit_seen_by_both(stack, app1, site):
    page = app1.get("/admin/hnda_site/sitesettings/1/change/")
    if not check(page.status == 200, "site settings form on app server 1", str(page.status)):
        return
    welcome = f"部署检查欢迎语 {int(time.time())}"
    fields = replace_field(form_with(page.text, "welcome"), "welcome", welcome)
    saved = app1.post_form("/admin/hnda_site/sitesettings/1/change/", fields)
    check(saved.status == 302, "staff edit saved on app server 1", f"{saved.status} {saved.text[:300]}")
    for index, port in enumerate(stack.app_ports, start=1):
        visitor = Client(port, proxy_headers=True, public_port=stack.https_port)
        seen = [welcome in visitor.get("/").text for _ in range(6)]  # both workers of the server
        check(all(seen), f"the edit is on the next page from app server {index}")
    check(welcome in site.get("/").text, "the edit is on the next page through nginx")


MEMBER_CSV = "名称,简称,市州,级别,类型\n部署检查高新技术产业开发区,部署检查高新区,株洲市,省级,高新技术产业开发区\n"


def check_import_across_servers(stack, app1, app2, site):
    page = app1.get("/admin/members/member/import/")
    if not check(page.status == 200, "member import form on app server 1", str(page.status)):
        return
    fields = [(name, value) for name, value in form_with(page.text, "format") if name != "import_file"]
    formats = re.search(r'<select[^>]*name="format"[^>]*>(.*?)</select>', page.text, re.S)
    csv_value = re.search(r'<option value="([^"]*)"[^>]*>\s*csv', formats.group(1), re.I) if formats else None
    if csv_value:
        fields = replace_field(fields, "format", csv_value.group(1))
    files = {"import_file": ("members.csv", MEMBER_CSV.encode("utf-8-sig"), "text/csv")}
    preview = app1.post_multipart("/admin/members/member/import/", fields, files)
    ok = check(
        preview.status == 200 and "部署检查高新技术产业开发区" in preview.text,
        "import previewed on app server 1",
        f"{preview.status} {preview.text[:500]}",
    )
    if not ok:
        return
    confirm = form_with(preview.text, "import_file_name")
    action = next(a for a, _m, f in forms_of(preview.text) if any(n == "import_file_name" for n, _ in f))
    done = app2.post_form(action or "/admin/members/member/process_import/", confirm)
    check(done.status == 302, "import confirmed on app server 2", f"{done.status} {done.text[:500]}")
    check("部署检查高新区" in site.get("/members/").text, "the imported member is on the directory")


def check_failover(stack, site):
    paths = ["/", "/news/", "/about/charter/", "/members/"]
    results, lock, stop = [], threading.Lock(), threading.Event()

    def visitor(number):
        client = Client(stack.https_port, tls=True)
        count = 0
        while not stop.is_set() and count < 400:
            path = paths[(number + count) % len(paths)]
            try:
                status = client.get(path).status
            except OSError as error:
                status = f"error {error}"
            with lock:
                results.append(status)
            count += 1

    visitors = [threading.Thread(target=visitor, args=(number,)) for number in range(4)]
    for thread in visitors:
        thread.start()
    time.sleep(1.5)
    before = len(results)
    stack.stop("app1")  # systemctl stop: SIGTERM, in-flight requests finish
    time.sleep(3)
    stop.set()
    for thread in visitors:
        thread.join()
    errors = [status for status in results if status != 200]
    check(len(results) - before > 20, "visitors kept being served after app server 1 stopped", str(len(results)))
    # At most the requests in flight at the moment of the stop (one per visitor) may fail.
    check(
        len(errors) <= len(visitors), f"no visitor errors beyond in-flight requests ({len(errors)} of {len(results)})"
    )
    check(all(site.get(path).status == 200 for path in paths), "every page still answers from app server 2")


VIEWS = re.compile(r'class="article__views">(\d+)<')


def an_article(site):
    found = re.search(r'href="(/news/\d+/)"', site.get("/").text)
    return found.group(1) if found else None


def check_head_counts_no_view(site):
    """nginx's micro-cache turns HEAD into GET upstream by default, and the app counted it as a view."""
    article = an_article(site)
    if not check(article is not None, "home page links an article (for HEAD)"):
        return

    def views():
        found = VIEWS.search(site.get(article).text)
        return int(found.group(1)) if found else -1

    before = views()
    heads = [site.request("HEAD", article) for _ in range(5)]
    check(all(head.status == 200 and not head.body for head in heads), "HEAD of an article through nginx")
    after = views()
    check(before >= 0 and after == before + 1, "HEAD through nginx counts no view", f"{before}, then {after}")


APP_503 = "错误代码 503"  # the app's own page (templates/503.html), not nginx's


def check_database_outage(stack, site, database):
    """PostgreSQL stopped while visitors load pages, with both app servers up."""
    article = an_article(site)
    cached = ["/", "/news/", "/about/charter/", "/members/", *([article] if article else [])]
    never_cached = "/about/charter/history/"  # not asked for before: rendering it needs the database

    def warm(number):  # concurrently, so that every worker of both servers gets its copies
        client = Client(stack.https_port, tls=True)
        for count in range(6 * len(cached)):
            client.get(cached[(number + count) % len(cached)])

    warmers = [threading.Thread(target=warm, args=(number,)) for number in range(4)]
    for thread in warmers:
        thread.start()
    for thread in warmers:
        thread.join()
    results, lock, stop = [], threading.Lock(), threading.Event()
    phase = ["before"]

    def visitor(number):
        client = Client(stack.https_port, tls=True)
        paths = [*cached, never_cached]
        count = 0
        while not stop.is_set() and count < 2000:
            path = paths[(number + count) % len(paths)]
            started_in = phase[0]
            if path == never_cached and started_in == "before":
                path = cached[0]  # asked for only once the database is down
            try:
                response = client.get(path)
                # A response belongs to a phase when it started and ended in it (a busy machine is slow).
                current = started_in if phase[0] == started_in else "between"
                result = (current, path, response.status, response.header("x-page-cache"),
                          response.header("retry-after"), response.header("cache-control"),
                          APP_503 in response.text)  # fmt: skip
            except OSError as error:
                result = (started_in, path, f"error {error}", "", "", "", False)
            with lock:
                results.append(result)
            count += 1

    visitors = [threading.Thread(target=visitor, args=(number,)) for number in range(4)]
    for thread in visitors:
        thread.start()
    time.sleep(1)
    phase[0] = "stopped"
    database.stop()
    time.sleep(2)
    # As 60 s later: the stamp's copy in Redis has expired, so no worker can tell whether a copy is current.
    import redis

    redis.Redis.from_url(stack.redis_url).delete(f"{stack.env['CACHE_KEY_PREFIX']}:pagecache:stamp")
    time.sleep(1.5)  # each worker reads the key again within a second
    phase[0] = "unknown"
    time.sleep(5)
    phase[0] = "restarting"
    database.start()
    phase[0] = "back"
    time.sleep(2)
    stop.set()
    for thread in visitors:
        thread.join()

    during = [r for r in results if r[0] in ("stopped", "unknown", "between")]
    unknown = [r for r in results if r[0] == "unknown"]
    statuses = sorted({str(r[2]) for r in during})
    log(f"during the outage: {len(during)} responses, statuses {statuses}; "
        f"{sum(r[3] == 'stale' for r in during)} stale copies, {sum(r[2] == 503 for r in during)} 503s")  # fmt: skip
    check(len(unknown) >= 8, "visitors kept being answered while the database was down", str(len(unknown)))
    check(all(r[2] in (200, 503) for r in during), "no 502/504 from nginx during the outage", str(statuses))
    check(
        all(r[6] and r[4] for r in during if r[2] == 503),
        "every 503 is the app's Chinese page with Retry-After",
    )
    stale = [r for r in unknown if r[1] in cached]
    served = [r for r in stale if r[2] == 200 and r[3] == "stale"]
    # A worker that happened to get no copy of a page answers the app's 503 for it, as it should.
    check(
        all((r[2] == 200 and r[3] == "stale") or (r[2] == 503 and r[6]) for r in stale),
        "once the stamp cannot be read, a cached page is its last good copy marked stale (or the app's 503)",
        str(sorted({(str(r[2]), r[3]) for r in stale})),
    )
    check(
        len(served) >= 0.75 * len(stale),
        "most cached pages are served as their last good copy",
        f"{len(served)} of {len(stale)}",
    )
    check(all("no-cache" in r[5] for r in served), "stale copies keep no-cache (no longer a lifetime)")
    cold = [r for r in unknown if r[1] == never_cached]
    check(cold and all(r[2] == 503 and r[6] for r in cold), "a page never cached gets the app's Chinese 503")
    after = [r for r in results if r[0] == "back"]
    check(
        after and all(r[2] == 200 for r in after[len(visitors) :]),
        "pages answer as soon as the database is back (no app server was marked down)",
        str(sorted({str(r[2]) for r in after})),
    )
    fresh = site.get("/news/")
    check(fresh.status == 200 and fresh.header("x-page-cache") != "stale", "fresh pages again after the outage")


def check_nginx_error_page(stack, site):
    """With no app server left, nginx answers its own Chinese page (not its English 502)."""
    stack.stop("app2")
    response = site.get("/news/")
    check(response.status == 502, "no app server left: 502", str(response.status))
    check(
        "网站暂时无法访问" in response.text and "temporarily unavailable" in response.text,
        "nginx's own error page is Chinese, with a short English line",
        response.text[:200],
    )
    check(
        "Bad Gateway" not in response.text and "<center>nginx" not in response.text,
        "nginx's English default page is not shown",
    )
    check("text/html; charset=utf-8" in response.header("content-type"), "error page is UTF-8 HTML")
    check(response.header("cache-control") == "no-store", "the error page is not cached")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DEPLOY_CHECK_DATABASE_URL", ""),
        help="an existing PostgreSQL server's scratch database (dropped and created again) instead of a cluster "
        "of the check's own; the database outage is then not checked",
    )
    parser.add_argument("--redis-url", default=os.environ.get("DEPLOY_CHECK_REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, rendered config)")
    args = parser.parse_args()
    started = time.monotonic()
    database = None
    if not args.database_url:
        log("starting a PostgreSQL cluster of its own (initdb)")
        database = ScratchPostgres()
        database.init()
    stack = Stack(args.database_url or database.url, args.redis_url, args.keep)
    try:
        log("preparing the database (migrate, seed, collectstatic, check --deploy)")
        stack.prepare_database()
        stack.start_app(0)
        stack.start_app(1)
        stack.render_nginx()
        stack.start_nginx()
        log(f"nginx on https://127.0.0.1:{stack.https_port}, app servers on {stack.app_ports}")
        site = Client(stack.https_port, tls=True)
        check_pages_and_headers(stack, site)
        check_attachments(stack, site)
        app1, app2 = check_sessions_across_servers(stack)
        check_edit_seen_by_both(stack, app1, site)
        check_import_across_servers(stack, app1, app2, site)
        check_head_counts_no_view(site)
        if database is not None:
            check_database_outage(stack, site, database)
        else:
            log("skipped: the database outage (needs the check's own cluster, without --database-url)")
        check_failover(stack, site)
        check_nginx_error_page(stack, site)
    finally:
        stack.close()
        if database is not None:
            database.close(keep=bool(failures) or args.keep)
    log(f"{'FAILED: ' + ', '.join(failures) if failures else 'all checks passed'} ({time.monotonic() - started:.0f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
