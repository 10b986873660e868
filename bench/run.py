"""Load benchmark of the HNDZA website under gunicorn.

Prepares a throw-away database (SQLite by default, PostgreSQL with
``--database-url``), loads the initial content plus N long articles, starts
``gunicorn hnda_site.wsgi`` with production settings on a free loopback port
and measures, for each public page: requests, req/s, p50/p95/p99 latency,
errors, SQL queries per request, then the RSS of each gunicorn worker and
whether the article page counted exactly one view per successful request.

Run it with ``make bench`` or ``.venv/bin/python bench/run.py --help``.
The same file also runs the small Django tasks it needs (``--task``, internal).
"""

import argparse
import http.client
import json
import math
import os
import platform
import shutil
import socket
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
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)
REQUEST_HEADERS = {
    "User-Agent": BROWSER_USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
    "Accept-Encoding": "gzip",
}
# (label, path); "{article}" is replaced by the id of the article under test.
PAGES = [
    ("首页 home", "/"),
    ("快讯列表 list", "/news/"),
    ("文章 article", "/news/{article}/"),
    ("列表第2页 page 2", "/news/?page=2"),
    ("RSS feed", "/news/feed/"),
    ("搜索 search", "/search/?q=高新区"),
    ("协会章程 charter", "/about/charter/"),
    ("章程历史 history", "/about/charter/history/"),
    ("会员名录 members", "/members/"),
    ("会员筛选 filtered", "/members/?city=changsha&level=national"),
    ("静态 CSS", "/static/css/site.css"),
]
REDIS_PREFIX = f"hnda-bench-{os.getpid()}"
STARTUP_TIMEOUT = 60  # seconds gunicorn may take to answer its first request
REQUEST_TIMEOUT = 30  # seconds one request may take before it counts as an error

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


# --- Small Django tasks (run in a child process with the benchmark's settings) ---


def make_body(rng, target_bytes):
    """HTML of Chinese paragraphs, about ``target_bytes`` long in UTF-8."""
    paragraphs, size = [], 0
    while size < target_bytes:
        text = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(4, 9)))
        paragraph = f"<p>{text}</p>"
        paragraphs.append(paragraph)
        size += len(paragraph.encode())
    return "".join(paragraphs)


def task_create_articles(count, body_kb):
    """Create ``count`` published articles (newest first, one hour apart); return the article to load."""
    import random

    from django.utils import timezone

    from hnda_site.richtext import summarize
    from news.models import Article, Category

    rng = random.Random(20201218)  # same content on every run
    category = Category.objects.get(slug="park-express")
    now = timezone.now()
    articles = []
    for number in range(1, count + 1):
        body = make_body(rng, body_kb * 1024)
        title = f"{rng.choice(ZONES)}{rng.choice(TOPICS)}（基准测试 {number}）"
        articles.append(
            Article(
                title=title,
                category=category,
                publisher="基准测试",
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(hours=number),
                summary=summarize(body),
                body=body,
            )
        )
    Article.objects.bulk_create(articles, batch_size=50)  # RichTextField.pre_save still sanitizes
    public = list(Article.objects.published().order_by("-published_at", "-id").values_list("id", flat=True))
    middle = public[len(public) // 2]  # an article with a newer and an older neighbour
    body_bytes = len(Article.objects.get(pk=middle).body.encode())
    return {"public_articles": len(public), "article_id": middle, "article_body_bytes": body_bytes}


def task_count_queries(paths):
    """SQL queries each path makes, via Django's test Client: the first (cold) request and a second (warm) one."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1", HTTP_USER_AGENT=BROWSER_USER_AGENT)
    results = {}
    for path in paths:
        runs = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
                size = len(b"".join(response.streaming_content)) if response.streaming else len(response.content)
                response.close()
            runs.append({"status": response.status_code, "queries": len(captured), "bytes": size})
        results[path] = {
            "status": runs[1]["status"],
            "queries_cold": runs[0]["queries"],
            "queries": runs[1]["queries"],
            "bytes": runs[1]["bytes"],
            "sql": [query["sql"][:300] for query in captured.captured_queries],
        }
    return results


def task_view_count(article_id):
    """The article's view counter as stored in the database."""
    from news.models import Article

    return {"view_count": Article.objects.values_list("view_count", flat=True).get(pk=article_id)}


TASKS = {"create_articles": task_create_articles, "count_queries": task_count_queries, "view_count": task_view_count}


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
        ALLOWED_HOSTS="127.0.0.1",
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


def start_gunicorn(env, port, workers, threads, log_path):
    """Start gunicorn in the background and wait until it answers ``/``."""
    command = [
        str(GUNICORN),
        "hnda_site.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
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


# --- Load -----------------------------------------------------------------------


def percentile(sorted_values, percent):
    """Nearest-rank percentile of an already sorted list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def hammer(port, path, concurrency, duration=None, requests_per_client=None):
    """``concurrency`` clients GET ``path`` in a loop until ``duration`` s pass or each made its requests.

    Every client keeps its connection open between requests when the server
    allows it (gunicorn's sync worker closes it after each response; the
    client then reconnects). Returns latencies, status counts and bytes.
    """
    deadline = time.monotonic() + duration if duration else None
    lock = threading.Lock()
    latencies, statuses, received = [], Counter(), [0]

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        mine, my_statuses, my_bytes, made = [], Counter(), 0, 0
        try:
            while (deadline is None or time.monotonic() < deadline) and (
                requests_per_client is None or made < requests_per_client
            ):
                made += 1
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers=REQUEST_HEADERS)
                    response = connection.getresponse()
                    my_bytes += len(response.read())
                    my_statuses[response.status] += 1
                    mine.append(time.perf_counter() - started)
                except (OSError, http.client.HTTPException) as error:
                    my_statuses[type(error).__name__] += 1
                    connection.close()  # the next request opens a new connection
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)
                statuses.update(my_statuses)
                received[0] += my_bytes

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(client) for _ in range(concurrency)]:
            future.result()
    elapsed = time.monotonic() - started
    return {"elapsed": elapsed, "latencies": sorted(latencies), "statuses": statuses, "bytes": received[0]}


def summarize_load(label, path, outcome):
    """The figures of one page's load run."""
    requests = sum(outcome["statuses"].values())
    ok = outcome["statuses"].get(200, 0)
    latencies_ms = [value * 1000 for value in outcome["latencies"]]

    def ms(percent):
        value = percentile(latencies_ms, percent)
        return None if value is None else round(value, 1)

    return {
        "page": label,
        "path": path,
        "requests": requests,
        "ok": ok,
        "errors": requests - ok,
        "statuses": {str(status): count for status, count in sorted(outcome["statuses"].items(), key=str)},
        "seconds": round(outcome["elapsed"], 2),
        "req_per_s": round(requests / outcome["elapsed"], 1),
        "p50_ms": ms(50),
        "p95_ms": ms(95),
        "p99_ms": ms(99),
        "avg_kib": round(outcome["bytes"] / max(ok, 1) / 1024, 1),
    }


# --- Report ---------------------------------------------------------------------


def log(message):
    """Progress on stderr, so stdout holds only the report."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def print_report(result):
    """The human-readable table and the memory and view-counter lines."""
    config = result["config"]
    print()
    print(
        f"HNDZA bench · {result['database']} · {config['articles']} extra articles · gunicorn {config['workers']} "
        f"workers × {config['threads']} threads · {config['concurrency']} clients × {config['duration']} s per page"
    )
    header = f"{'page':<18} {'path':<24} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    header += f" {'errors':>6} {'queries':>7} {'KiB':>6}"
    print(header)
    print("-" * len(header))
    for page in result["pages"]:
        # CJK text is two columns wide: pad by display width, not by characters.
        cells = [pad(page["page"], 18), pad(page["display_path"], 24), f"{page['requests']:>8}"]
        cells += [f"{page['req_per_s']:>8}", f"{page['p50_ms']!s:>8}", f"{page['p95_ms']!s:>8}"]
        cells += [f"{page['p99_ms']!s:>8}", f"{page['errors']:>6}", f"{page['queries']!s:>7}", f"{page['avg_kib']:>6}"]
        print(" ".join(cells))
    machine = result["machine"]
    print(f"Load average (1 min) before / after: {machine['loadavg_before'][0]} / {machine['loadavg_after'][0]}")
    memory = result["memory"]
    workers = ", ".join(f"pid {pid}: {rss} MiB" for pid, rss in memory["workers_rss_mib"].items())
    print(f"\nRSS after the load: master {memory['master_rss_mib']} MiB; workers {workers}")
    views = result["view_counter"]
    verdict = "OK, equal" if views["match"] else "MISMATCH"
    print(
        f"View counter of article {views['article_id']}: {views['counted']} counted "
        f"({views['before']} → {views['after']}) for {views['successful_requests']} successful requests: {verdict}"
    )


def pad(text, width):
    """``text`` followed by spaces up to ``width`` terminal columns (CJK characters take two)."""
    used = sum(2 if ord(char) > 0x2E7F else 1 for char in text)
    return text + " " * max(0, width - used)


# --- Main -----------------------------------------------------------------------


def parse_args(argv):
    """Command-line options (see bench/README.md)."""
    parser = argparse.ArgumentParser(
        description="Load benchmark of the HNDZA site under gunicorn (req/s, latency, queries, memory).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--database-url",
        help="e.g. postgres://postgres@127.0.0.1:5432/hnda_bench: that database is DROPPED and re-created; "
        "default: a fresh SQLite file in a temporary directory",
    )
    parser.add_argument("--articles", type=int, default=500, help="extra published articles to create")
    parser.add_argument("--body-kb", type=int, default=30, help="size of each article body in KiB (UTF-8 HTML)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per page")
    parser.add_argument("--concurrency", type=int, default=8, help="simultaneous client connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (>1: gthread worker)")
    parser.add_argument("--redis-url", help="use Redis as the cache (REDIS_URL), e.g. redis://127.0.0.1:6379/9")
    parser.add_argument("--keep-db", action="store_true", help="keep the PostgreSQL database afterwards")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where the JSON result goes")
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--task-args", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for name in ("articles", "body_kb", "concurrency", "workers", "threads"):
        if getattr(args, name) < (0 if name == "articles" else 1):
            parser.error(f"--{name.replace('_', '-')} is too small")
    if args.duration <= 0:
        parser.error("--duration must be positive")
    return args


def benchmark(args, workdir):
    """Prepare the database, measure queries, run gunicorn under load; return all figures."""
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
    created = django_task(env, "create_articles", count=args.articles, body_kb=args.body_kb)
    log(f"{created['public_articles']} public articles; article under test: {created['article_id']}")
    run_checked([python, "manage.py", "collectstatic", "--noinput"], env, "collectstatic")

    pages = [(label, path.format(article=created["article_id"])) for label, path in PAGES]
    wire_paths = {path: quote(path, safe="/?=&") for _, path in pages}
    queries = django_task(env, "count_queries", paths=[path for _, path in pages])

    port = free_port()
    server = start_gunicorn(env, port, args.workers, args.threads, workdir / "gunicorn.log")
    try:
        log(f"gunicorn pid {server.pid} on 127.0.0.1:{port}; warming up")
        for _, path in pages:
            hammer(port, wire_paths[path], args.concurrency, requests_per_client=3)
        article_path = pages[2][1]
        before = django_task(env, "view_count", article_id=created["article_id"])["view_count"]
        results = []
        for label, path in pages:
            outcome = hammer(port, wire_paths[path], args.concurrency, duration=args.duration)
            figures = summarize_load(label, path, outcome)
            figures["display_path"] = path.replace(str(created["article_id"]), "<id>")
            figures.update({key: queries[path][key] for key in ("queries", "queries_cold", "sql")})
            results.append(figures)
            log(f"{label}: {figures['requests']} requests, {figures['req_per_s']} req/s, {figures['errors']} errors")
            if path == article_path:
                after = django_task(env, "view_count", article_id=created["article_id"])["view_count"]
                article_ok = figures["ok"]
        memory = worker_memory(server.pid)
    finally:
        stop_gunicorn(server)

    return {
        "timestamp": datetime.now().astimezone().isoformat(timespec="seconds"),
        "database": kind,
        "database_url": without_password(database_url),
        "command": " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
        "config": {
            "articles": args.articles,
            "body_kib": args.body_kb,
            "duration": args.duration,
            "concurrency": args.concurrency,
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
            "successful_requests": article_ok,
            "match": after - before == article_ok,
        },
    }


def main(argv=None):
    """Run the benchmark, print the table, save the JSON; exit status 1 if the view counter is off."""
    args = parse_args(argv)
    if args.task:
        run_task_here(args.task, json.loads(args.task_args))
        return 0
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
    path = args.results_dir / f"{stamp}-{result['database']}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nSaved {path}")
    return 0 if result["view_counter"]["match"] else 1


if __name__ == "__main__":
    sys.exit(main())
