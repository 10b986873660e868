"""Load benchmark of the HNDZA website: every public page as a ratio to a bare Django view.

Prepares a throw-away database (SQLite by default, PostgreSQL with ``--database-url``,
Redis with ``--redis-url``), loads the initial content plus N long articles, and starts
two gunicorn servers with the same settings: the site (production settings, DEBUG off)
and ``bench/hello.py``, a bare "hello" view with ``startproject``'s middleware. Then, in
``--rounds`` interleaved rounds, ``wrk`` loads the hello view and each page in turn; the
report gives the median req/s and p50/p99 of the rounds and **× hello**, the SQL queries
of each page uncached, on a page-cache miss and on a hit, the RSS of the site's workers
after each round, and whether the view counter counted exactly one view per request.

Run it with ``make bench`` or ``.venv/bin/python bench/run.py --help``; see bench/README.md.
The same file also runs the small Django tasks it needs (``--task``, internal).
"""

import argparse
import http.client
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from importlib import metadata
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
GUNICORN = Path(sys.executable).with_name("gunicorn")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)
REQUEST_HEADERS = {
    "User-Agent": BROWSER_USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
}
# (label, path); {article}, {member} are replaced by ids of the data under test. Search is
# measured as a plain line only (its own benchmark is bench/search.py).
PAGES = [
    ("首页 home", "/"),
    ("快讯列表 list", "/news/"),
    ("列表第2页 page 2", "/news/?page=2"),
    ("栏目 category", "/news/park-express/"),
    ("文章 article (counted)", "/news/{article}/"),
    ("RSS feed", "/news/feed/"),
    ("协会章程 charter", "/about/charter/"),
    ("章程历史 history", "/about/charter/history/"),
    ("旧版本 old version", "/about/charter/v1/"),
    ("版本比较 compare", "/about/charter/compare/1/2/"),
    ("会员名录 members", "/members/"),
    ("会员筛选 filtered", "/members/?city=changsha&level=national"),
    ("会员 member", "/members/{member}/"),
    ("网站地图 sitemap", "/sitemap.xml"),
    ("搜索 search", "/search/?q=创新积分"),
    ("English home", "/en/"),
    ("English news", "/en/news/"),
    ("English charter", "/en/about/charter/"),
]
ARTICLE_PAGE = "文章 article (counted)"
BATCH_SETTLE_SECONDS = 2  # the site's workers send their views within a second (VIEW_COUNT_BATCH_SECONDS)
HELLO = "Django hello"
REDIS_PREFIX = f"hnda-bench-{os.getpid()}"
STARTUP_TIMEOUT = 60  # seconds gunicorn may take to answer its first request
REQUEST_TIMEOUT = 30  # seconds one request of the counter check may take

# Sentences the article bodies are made of (about development zones, so the
# search for 高新区 has realistic hits in titles and bodies).
SENTENCES = [
    "为深入贯彻新发展理念，园区坚持以科技创新引领产业升级。",
    "长沙高新区持续优化营商环境，推动企业创新积分制落地见效。",
    "今年以来，全省开发区实际使用外资和进出口总额稳步增长。",
    "园区围绕主导产业开展精准招商，一批重大项目签约落户。",
    "管委会负责人表示，将进一步深化“放管服”改革，提升服务效能。",
    "株洲高新区聚焦轨道交通装备产业，打造世界级产业集群。",
    "湘潭经开区推进智能制造示范工厂建设，数字化转型成效明显。",
    "岳阳绿色化工高新区坚持安全发展，持续推进园区循环化改造。",
    "会议强调，要把高质量发展要求贯穿开发区建设的全过程和各方面。",
    "协会将组织会员单位开展交流考察，共享园区治理的经验做法。",
    "常德经开区优化土地要素配置，提高亩均税收和投入产出效率。",
    "衡阳高新区与高校院所共建研发平台，加快科技成果就地转化。",
    "郴州有色金属产业园区推动延链补链强链，产业链条不断完善。",
    "园区加快建设标准厂房和人才公寓，为项目落地提供有力保障。",
    "益阳高新区持续开展“企业服务日”活动，帮助企业解决实际困难。",
    "开发区统计数据显示，规模以上工业增加值同比增长百分之八点五。",
    "怀化高新区依托区位优势，积极融入西部陆海新通道建设。",
    "娄底经开区推进钢铁新材料产业集聚，培育专精特新企业。",
    "与会代表围绕园区体制机制改革、产业链招商等议题深入交流。",
    "下一步，园区将锚定目标任务，奋力推进开发区高质量发展。",
]
ZONES = ["长沙高新区", "株洲高新区", "湘潭经开区", "衡阳高新区", "岳阳经开区", "常德经开区", "益阳高新区", "郴州经开区"]
TOPICS = ["推进产业链招商", "召开高质量发展大会", "优化营商环境", "建设智能制造示范园", "举办科技成果对接会"]


def make_body(rng, target_bytes):
    """HTML of Chinese paragraphs, about ``target_bytes`` long in UTF-8."""
    paragraphs, size = [], 0
    while size < target_bytes:
        text = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(4, 9)))
        paragraph = f"<p>{text}</p>"
        paragraphs.append(paragraph)
        size += len(paragraph.encode())
    return "".join(paragraphs)


# --- Small Django tasks (run in a child process with the benchmark's settings) ---


def task_create_content(count, body_kb):
    """``count`` published articles (newest first, one hour apart), a second charter version; return ids."""
    import random

    from django.utils import timezone

    from association.models import Document, DocumentVersion
    from members.models import Member
    from news.models import Article, Category
    from richtext.text import summarize

    rng = random.Random(20201218)  # same content on every run
    category = Category.objects.get(slug="park-express")
    now = timezone.now()
    articles = []
    for number in range(1, count + 1):
        body = make_body(rng, body_kb * 1024)
        title = f"{rng.choice(ZONES)}{rng.choice(TOPICS)}（基准测试 {number}）"
        # Every other article has an English version (the English pages list only those).
        english = number % 2 == 0
        articles.append(
            Article(
                title=title,
                title_en=f"Benchmark article {number}" if english else "",
                body_en="<p>An English version of a benchmark article.</p>" * 40 if english else "",
                category=category,
                publisher="基准测试",
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(hours=number),
                summary=summarize(body),
                body=body,
            )
        )
    Article.objects.bulk_create(articles, batch_size=50)  # RichTextField.pre_save still sanitizes
    charter = Document.objects.get(slug="charter")
    current = DocumentVersion.objects.filter(document=charter).published().order_by("-number").first()
    amended = DocumentVersion(
        document=charter,
        body=current.body.replace("</p>", "（基准测试修订）</p>", 3),
        effective_date=current.effective_date,
        change_note="基准测试：第二版",
    )
    amended.save()
    amended.publish()
    public = list(Article.objects.published().order_by("-published_at", "-id").values_list("id", flat=True))
    middle = public[len(public) // 2]  # an article with a newer and an older neighbour
    body_bytes = len(Article.objects.get(pk=middle).body.encode())
    member = Member.objects.active().order_by("pk").values_list("pk", flat=True).first()
    return {"public_articles": len(public), "article_id": middle, "article_body_bytes": body_bytes, "member_id": member}


def task_count_queries(paths):
    """SQL queries of each path with Django's test Client: uncached, on a page-cache miss and on a hit.

    The miss is measured with the site settings already remembered (the steady state: the
    page cache emptied, the content unchanged); right after a change it reads them once more.
    """
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from pagecache import cache as pagecache

    client = Client(SERVER_NAME="127.0.0.1", HTTP_USER_AGENT=BROWSER_USER_AGENT)

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
            response.close()
        return response.status_code, [query["sql"][:300] for query in captured.captured_queries]

    results = {}
    for path in paths:
        with override_settings(PAGE_CACHE_ENABLED=False):
            queries(path)  # creates what a first visit creates
            status, uncached = queries(path)
        queries(path)
        pagecache.STORE.clear()
        _, miss = queries(path)
        _, hit = queries(path)
        results[path] = {"status": status, "uncached": len(uncached), "miss": len(miss), "hit": len(hit), "sql": miss}
    return results


def task_view_count(article_id):
    """The article's view counter in the database, after writing any pending views (Redis) to it."""
    from news import viewcounter
    from news.models import Article

    viewcounter.flush()
    return {"view_count": Article.objects.values_list("view_count", flat=True).get(pk=article_id)}


TASKS = {"create_content": task_create_content, "count_queries": task_count_queries, "view_count": task_view_count}


def run_task_here(name, arguments):
    """Entry point of the child process: set Django up, run one task, print its result as JSON."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    result = TASKS[name](**arguments)
    print(json.dumps(result, ensure_ascii=False))


# --- Preparing and cleaning up ---------------------------------------------


def django_env(database_url, static_root, media_root, redis_url):
    """Production-like settings (DEBUG off, manifest static files) that work over plain HTTP on loopback."""
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "CONN_MAX_AGE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="hnda_site.settings",
        DEBUG="false",
        SECRET_KEY="bench-only-" + "not-a-secret-" * 4,
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if redis_url:
        # A prefix of its own, so the bench neither reads nor overwrites a real site's cache entries.
        env.update(REDIS_URL=redis_url, CACHE_KEY_PREFIX=REDIS_PREFIX)
    return env


def clear_redis(redis_url):
    """Delete the cache entries the benchmark left in Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{REDIS_PREFIX}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def run_checked(command, env, what):
    """Run ``command`` in the project directory; stop the benchmark with its output if it fails."""
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench: {what} failed (exit status {done.returncode})")
    log(f"{what}: {time.monotonic() - started:.1f} s")
    return done.stdout


def django_task(env, name, **arguments):
    """Run one of TASKS in a fresh Django process and return its JSON result."""
    command = [sys.executable, __file__, "--task", name, "--task-args", json.dumps(arguments)]
    output = run_checked(command, env, f"task {name}")
    return json.loads(output.strip().splitlines()[-1])


def database_kind(database_url):
    """'sqlite' or 'postgresql' (the only two the site supports)."""
    scheme = urlsplit(database_url).scheme
    if scheme.startswith("postgres"):
        return "postgresql"
    if scheme == "sqlite":
        return "sqlite"
    raise SystemExit(f"bench: unsupported database URL scheme {scheme!r} (use sqlite:// or postgres://)")


def without_password(database_url):
    """The URL to print and save: no password in it."""
    parts = urlsplit(database_url)
    if parts.password is None:
        return database_url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def postgres_admin(database_url, sql):
    """Run ``sql`` (autocommit) on the server's ``postgres`` database."""
    import psycopg

    admin_url = urlunsplit(urlsplit(database_url)._replace(path="/postgres", query=""))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql)


def postgres_database_name(database_url):
    """The database name of a PostgreSQL URL, refusing the ones that must never be dropped."""
    name = urlsplit(database_url).path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1"}:
        raise SystemExit(f"bench: refusing to drop and re-create the database {name!r}; name a scratch database")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"bench: use a plain database name (letters, digits, _), not {name!r}")
    return name


def git_state():
    """The commit being measured and whether the working tree differs from it (None outside a git checkout)."""

    def git(*arguments):
        done = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "--short", "HEAD")
    if commit is None:
        return None
    return {"commit": commit, "uncommitted_changes": bool(git("status", "--porcelain", "--untracked-files=no"))}


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_gunicorn(server):
    """Stop gunicorn gracefully (SIGTERM), or kill it if it does not go within 15 s."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
    server.log_file.close()


def worker_memory(master_pid):
    """RSS in MiB of the gunicorn master and of each of its children (the workers)."""

    def status_of(pid):
        fields = {}
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        return fields

    def rss_mib(fields):
        return round(int(fields.get("VmRSS", "0 kB").split()[0]) / 1024, 1)

    workers = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = status_of(entry.name)
        except OSError:  # the process ended while we looked
            continue
        if fields.get("PPid") == str(master_pid):
            workers[int(entry.name)] = rss_mib(fields)
    return {"master_rss_mib": rss_mib(status_of(master_pid)), "workers_rss_mib": dict(sorted(workers.items()))}


def pad(text, width):
    """``text`` followed by spaces up to ``width`` terminal columns (CJK characters take two)."""
    used = sum(2 if ord(char) > 0x2E7F else 1 for char in text)
    return text + " " * max(0, width - used)


def start_gunicorn(app, env, port, workers, threads, log_path):
    """Start ``gunicorn app`` in the background and wait until it answers ``/``."""
    command = [str(GUNICORN), app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--threads", str(threads), "--log-level", "warning"]
    log_file = open(log_path, "w")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    server.log_file = log_file
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench: gunicorn exited with status {server.returncode}:\n{Path(log_path).read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/", headers={"User-Agent": BROWSER_USER_AGENT})
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return server
            raise SystemExit(f"bench: gunicorn answered / with HTTP {status}:\n{Path(log_path).read_text()}")
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"bench: gunicorn did not answer within {STARTUP_TIMEOUT} s")


# --- Load -----------------------------------------------------------------------

_WRK_LATENCY = re.compile(r"^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
SOCKET_ERRORS = ["connect", "read", "write", "timeout"]


def wrk(port, path, duration, connections, threads):
    """One ``wrk --latency`` run; returns requests, req/s, p50/p99 (ms) and errors."""
    command = [WRK, "--latency", "-d", f"{duration}s", "-c", str(connections), "-t", str(threads)]
    for name, value in REQUEST_HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{quote(path, safe='/?=&')}")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench: wrk failed:\n{done.stdout}{done.stderr}")
    output = done.stdout
    latency = {int(p): float(value) * _UNIT_MS[unit] for p, value, unit in _WRK_LATENCY.findall(output)}
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests": requests,
        "req_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": round(latency.get(50, math.nan), 2),
        "p99_ms": round(latency.get(99, math.nan), 2),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        # gunicorn's sync worker closes every connection; wrk counts some of those closes as read errors
        "socket_errors": dict(
            zip(["connect", "read", "write", "timeout"], map(int, socket_errors.groups()), strict=True)
        )
        if socket_errors
        else {},
    }


def count_check(port, path, clients, per_client):
    """``clients`` × ``per_client`` concurrent GETs with a browser User-Agent; returns the 200s and the errors."""
    statuses = Counter()
    lock = threading.Lock()

    def client():
        mine = Counter()
        for _ in range(per_client):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
            try:
                connection.request("GET", quote(path, safe="/?=&"), headers=REQUEST_HEADERS)
                response = connection.getresponse()
                response.read()
                mine[response.status] += 1
            except (OSError, http.client.HTTPException) as error:
                mine[type(error).__name__] += 1
            finally:
                connection.close()
        with lock:
            statuses.update(mine)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    return statuses


# --- Report ---------------------------------------------------------------------


def log(message):
    """Progress on stderr, so stdout holds only the report."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def median(values):
    values = [value for value in values if value is not None and not math.isnan(value)]
    return round(statistics.median(values), 2) if values else None


def print_report(result):
    """The table (medians of the rounds), worker memory per round and the view-counter check."""
    config = result["config"]
    print()
    print(
        f"HNDZA bench · {result['database']} · cache {config['cache']} · {config['articles']} extra articles · "
        f"gunicorn {config['workers']} workers × {config['threads']} threads · wrk {config['connections']} "
        f"connections · {config['rounds']} rounds × {config['duration']} s, medians"
    )
    header = f"{'page':<24} {'path':<40} {'req/s':>8} {'× hello':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}"
    header += f" {'queries uncached/miss/hit':>26}"
    print(header)
    print("-" * len(header))
    for page in result["pages"]:
        queries = page.get("queries")
        query_cell = f"{queries['uncached']}/{queries['miss']}/{queries['hit']}" if queries else "–"
        cells = [pad(page["page"], 24), pad(page["display_path"], 40), f"{page['req_per_s']!s:>8}"]
        cells += [f"{page['x_hello']!s:>8}", f"{page['p50_ms']!s:>7}", f"{page['p99_ms']!s:>7}"]
        cells += [f"{page['errors']:>6}", f"{query_cell:>26}"]
        print(" ".join(cells))
    machine = result["machine"]
    print(f"Load average (1 min) before / after: {machine['loadavg_before'][0]} / {machine['loadavg_after'][0]}")
    for number, memory in enumerate(result["memory"], start=1):
        workers = ", ".join(f"{rss} MiB" for rss in memory["workers_rss_mib"].values())
        print(f"RSS of the site's workers after round {number}: {workers}")
    views = result["view_counter"]
    verdict = "OK, equal" if views["match"] else "MISMATCH"
    print(
        f"View counter of article {views['article_id']}: {views['counted']} counted ({views['before']} → "
        f"{views['after']}) for {views['successful_requests']} successful requests "
        f"({views['clients']} clients × {views['per_client']}): {verdict}"
    )


# --- Main -----------------------------------------------------------------------


def parse_args(argv):
    """Command-line options (see bench/README.md)."""
    parser = argparse.ArgumentParser(
        description="Load benchmark of the HNDZA site under gunicorn and wrk, as ratios to a bare Django view.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--database-url",
        help="e.g. postgres://postgres@127.0.0.1:5432/hnda_bench: that database is DROPPED and re-created; "
        "default: a fresh SQLite file in a temporary directory",
    )
    parser.add_argument("--redis-url", help="use Redis (REDIS_URL), e.g. redis://127.0.0.1:6379/9")
    parser.add_argument("--articles", type=int, default=500, help="extra published articles to create")
    parser.add_argument("--body-kb", type=int, default=27, help="size of each article body in KiB (UTF-8 HTML)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over every page")
    parser.add_argument("--duration", type=int, default=4, help="seconds of wrk load per page and round")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (site and hello)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (>1: gthread worker)")
    parser.add_argument("--count-clients", type=int, default=8, help="clients of the exact view-counter check")
    parser.add_argument("--count-requests", type=int, default=100, help="requests per client of that check")
    parser.add_argument("--keep-db", action="store_true", help="keep the PostgreSQL database afterwards")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where the JSON result goes")
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--task-args", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ("body_kb", "rounds", "duration", "connections", "wrk_threads", "workers", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.articles < 21:
        parser.error("--articles must be at least 21 (the list needs a second page)")
    return args


def benchmark(args, workdir):
    """Prepare the database, count queries, then interleave wrk runs of hello and every page."""
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    kind = database_kind(database_url)
    env = django_env(database_url, workdir / "static", workdir / "media", args.redis_url)
    python = sys.executable
    load_before = [round(value, 2) for value in os.getloadavg()]
    source = git_state()
    if load_before[0] > 0.5:
        log(f"warning: the machine is busy (load average {load_before[0]}); the figures will be noisy")

    run_checked([python, "manage.py", "migrate", "--noinput"], env, "migrate")
    run_checked([python, "manage.py", "load_seed"], env, "load_seed")
    created = django_task(env, "create_content", count=args.articles, body_kb=args.body_kb)
    log(f"{created['public_articles']} public articles; article under test: {created['article_id']}")
    run_checked([python, "manage.py", "collectstatic", "--noinput"], env, "collectstatic")

    pages = [(label, path.format(article=created["article_id"], member=created["member_id"])) for label, path in PAGES]
    queries = django_task(env, "count_queries", paths=[path for _, path in pages])
    bad = {path: figures["status"] for path, figures in queries.items() if figures["status"] != 200}
    if bad:
        raise SystemExit(f"bench: pages that do not answer 200: {bad}")

    hello_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.hello"}
    site_port, hello_port = free_port(), free_port()
    site = start_gunicorn("hnda_site.wsgi", env, site_port, args.workers, args.threads, workdir / "site.log")
    try:
        hello = start_gunicorn(
            "bench.hello:application", hello_env, hello_port, args.workers, args.threads, workdir / "hello.log"
        )
    except BaseException:
        stop_gunicorn(site)
        raise
    runs = {label: [] for label in [HELLO, *(label for label, _ in pages)]}
    memory = []
    try:
        log(f"site: gunicorn pid {site.pid} on :{site_port}; hello: pid {hello.pid} on :{hello_port}; warming up")
        for _, path in pages:
            count_check(site_port, path, 2, 2)
        article_path = dict(pages)[ARTICLE_PAGE]
        for number in range(1, args.rounds + 1):
            runs[HELLO].append(wrk(hello_port, "/", args.duration, args.connections, args.wrk_threads))
            log(f"round {number}: hello {runs[HELLO][-1]['req_per_s']} req/s")
            for label, path in pages:
                runs[label].append(wrk(site_port, path, args.duration, args.connections, args.wrk_threads))
                log(f"round {number}: {label} {runs[label][-1]['req_per_s']} req/s")
            memory.append(worker_memory(site.pid))
        # Each worker sends its views within VIEW_COUNT_BATCH_SECONDS (1 s): let the rounds' views arrive.
        time.sleep(BATCH_SETTLE_SECONDS)
        before = django_task(env, "view_count", article_id=created["article_id"])["view_count"]
        statuses = count_check(site_port, article_path, args.count_clients, args.count_requests)
        time.sleep(BATCH_SETTLE_SECONDS)
        after = django_task(env, "view_count", article_id=created["article_id"])["view_count"]
    finally:
        stop_gunicorn(site)
        stop_gunicorn(hello)

    hello_rate = median([run["req_per_s"] for run in runs[HELLO]])
    templates = {label: path.format(article="<id>", member="<id>") for label, path in PAGES}
    results = []
    for label, path in [(HELLO, "/"), *pages]:
        rate = median([run["req_per_s"] for run in runs[label]])
        results.append(
            {
                "page": label,
                "path": path,
                "display_path": "(bench/hello.py) /" if label == HELLO else templates[label],
                "req_per_s": rate,
                "x_hello": round(rate / hello_rate, 3) if hello_rate else None,
                "p50_ms": median([run["p50_ms"] for run in runs[label]]),
                "p99_ms": median([run["p99_ms"] for run in runs[label]]),
                "errors": sum(run["non_2xx"] + run["socket_errors"].get("timeout", 0) for run in runs[label]),
                "rounds": runs[label],
                "queries": None if label == HELLO else {key: queries[path][key] for key in ("uncached", "miss", "hit")},
                "sql_on_miss": None if label == HELLO else queries[path]["sql"],
            }
        )
    ok = statuses.get(200, 0)
    return {
        "timestamp": datetime.now().astimezone().isoformat(timespec="seconds"),
        "database": kind,
        "database_url": without_password(database_url),
        "command": " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
        "config": {
            "articles": args.articles,
            "body_kib": args.body_kb,
            "rounds": args.rounds,
            "duration": args.duration,
            "connections": args.connections,
            "wrk_threads": args.wrk_threads,
            "workers": args.workers,
            "threads": args.threads,
            "cache": "redis" if args.redis_url else "locmem",
        },
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg_before": load_before,
            "loadavg_after": [round(value, 2) for value in os.getloadavg()],
            "python": platform.python_version(),
            "django": metadata.version("django"),
            "gunicorn": metadata.version("gunicorn"),
            "wrk": subprocess.run([WRK, "-v"], capture_output=True, text=True, check=False).stdout.split("\n")[0],
        },
        "git": source,
        "article": created,
        "pages": results,
        "memory": memory,
        "view_counter": {
            "article_id": created["article_id"],
            "before": before,
            "after": after,
            "counted": after - before,
            "clients": args.count_clients,
            "per_client": args.count_requests,
            "successful_requests": ok,
            "statuses": {str(status): count for status, count in statuses.items()},
            "match": after - before == ok == args.count_clients * args.count_requests,
        },
    }


def main(argv=None):
    """Run the benchmark, print the table, save the JSON; exit status 1 if the view counter is off."""
    args = parse_args(argv)
    if args.task:
        run_task_here(args.task, json.loads(args.task_args))
        return 0
    if not Path(WRK).exists():
        raise SystemExit("bench: wrk not found; install it with: apt-get install -y wrk")
    kind = database_kind(args.database_url) if args.database_url else "sqlite"
    if kind == "sqlite" and args.database_url:
        sqlite_file = ROOT / urlsplit(args.database_url).path[1:]  # sqlite:///relative or sqlite:////absolute
        if sqlite_file.exists():
            raise SystemExit(f"bench: {sqlite_file} exists; give a new file (the benchmark fills it with test data)")
    workdir = Path(tempfile.mkdtemp(prefix="hnda-bench-"))
    created_database = None
    try:
        if kind == "postgresql":
            name = postgres_database_name(args.database_url)
            postgres_admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            postgres_admin(args.database_url, f'CREATE DATABASE "{name}"')
            created_database = name
            log(f"created PostgreSQL database {name}")
        result = benchmark(args, workdir)
    finally:
        if created_database and not args.keep_db:
            postgres_admin(args.database_url, f'DROP DATABASE IF EXISTS "{created_database}" WITH (FORCE)')
            log(f"dropped PostgreSQL database {created_database}")
        if args.redis_url:
            clear_redis(args.redis_url)
        shutil.rmtree(workdir, ignore_errors=True)

    print_report(result)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = args.results_dir / f"{stamp}-{result['database']}{'-redis' if args.redis_url else ''}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nSaved {path}")
    return 0 if result["view_counter"]["match"] else 1


if __name__ == "__main__":
    sys.exit(main())
