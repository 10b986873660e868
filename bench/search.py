"""Search benchmark: /search/ over 10,000 articles of about 20 KB, the seed documents and 1,000 members.

Builds a throw-away database (SQLite in a temporary folder, or with ``--database-url
postgres://…/NAME`` the PostgreSQL database NAME, dropped and re-created, dropped at the
end), serves the site with gunicorn (production settings, DEBUG off) and measures with
``wrk`` a 2-character, a 4-character and a two-word query: requests/s, p50/p95/p99
latency, errors. Also the SQL queries per search page and how many results each query has.

    .venv/bin/python bench/search.py                                  # SQLite
    .venv/bin/python bench/search.py --database-url postgres://postgres@127.0.0.1:5432/hnda_bench_search

``make bench-search ARGS="…"`` runs it. See bench/README.md, "Search".
"""

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
QUERIES = [("2 字 two characters", "园区"), ("4 字 four characters", "营商环境"), ("两个词 two words", "长沙 创新")]
# A page without search, measured the same way: on a busy machine the ratio says more than milliseconds.
REFERENCE = ("参照 reference: 快讯列表", "/news/")
TARGET_P95_MS = 50

# wrk reports percentiles in its done() callback; one JSON line that this script reads back.
WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "errors": %d, "p50": %.2f, "p95": %.2f, "p99": %.2f, "max": %.2f}\\n',
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""

SENTENCES = [
    "为深入贯彻新发展理念，园区坚持以科技创新引领产业升级。",
    "持续优化营商环境，推动企业创新积分制落地见效。",
    "今年以来，全省开发区实际使用外资和进出口总额稳步增长。",
    "围绕主导产业开展精准招商，一批重大项目签约落户。",
    "管委会负责人表示，将进一步深化“放管服”改革，提升服务效能。",
    "聚焦轨道交通装备产业，打造世界级产业集群。",
    "推进智能制造示范工厂建设，数字化转型成效明显。",
    "坚持安全发展，持续推进园区循环化改造。",
    "会议强调，要把高质量发展要求贯穿开发区建设的全过程和各方面。",
    "协会将组织会员单位开展交流考察，共享园区治理的经验做法。",
    "优化土地要素配置，提高亩均税收和投入产出效率。",
    "与高校院所共建研发平台，加快科技成果就地转化。",
    "推动延链补链强链，产业链条不断完善。",
    "加快建设标准厂房和人才公寓，为项目落地提供有力保障。",
    "持续开展“企业服务日”活动，帮助企业解决实际困难。",
    "统计数据显示，规模以上工业增加值同比增长百分之八点五。",
    "依托区位优势，积极融入西部陆海新通道建设。",
    "推进钢铁新材料产业集聚，培育专精特新企业。",
    "与会代表围绕体制机制改革、产业链招商等议题深入交流。",
    "下一步将锚定目标任务，奋力推进开发区高质量发展。",
]
CITIES = [
    "长沙",
    "株洲",
    "湘潭",
    "衡阳",
    "邵阳",
    "岳阳",
    "常德",
    "张家界",
    "益阳",
    "郴州",
    "永州",
    "怀化",
    "娄底",
    "湘西",
]
KINDS = ["高新区", "经开区", "综保区", "产业园", "工业园"]
TOPICS = [
    "推进产业链招商",
    "召开高质量发展大会",
    "优化营商环境",
    "建设智能制造示范园",
    "举办科技成果对接会",
    "开展安全生产检查",
]


def log(message):
    print(f"[bench-search] {message}", file=sys.stderr, flush=True)


# --- The data, built in a child process with Django set up ------------------------------------------------


def task_generate(articles, body_kb, members):
    """Bulk-create ``articles`` published articles and ``members`` members, their search tokens computed."""
    from django.db import connection
    from django.utils import timezone

    from members.models import Member
    from news.models import Article, Category
    from search import fulltext as search

    rng = random.Random(20201218)
    category = Category.objects.get(slug="park-express")
    now = timezone.now()
    started = time.monotonic()
    batch = []
    zones = [city + kind for city in CITIES for kind in KINDS]
    normalized = {text: search.normalize(text) for text in SENTENCES + zones}
    for number in range(1, articles + 1):
        paragraphs, normalized_text, size = [], [], 0
        while size < body_kb * 1024:
            pieces = [rng.choice(CITIES) + rng.choice(KINDS)]
            pieces += [rng.choice(SENTENCES) for _ in range(rng.randint(4, 9))]
            text = "".join(pieces)
            normalized_text.append("".join(normalized[piece] for piece in pieces))
            paragraphs.append(text)
            size += len(text.encode()) + 7
        body = "".join(f"<p>{text}</p>" for text in paragraphs)
        title = f"{rng.choice(CITIES)}{rng.choice(KINDS)}{rng.choice(TOPICS)}（第{number}期）"
        article = Article(
            title=title,
            category=category,
            publisher="基准测试",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=number),
            summary=paragraphs[0][:119] + "…",  # what summarize() gives, without parsing 20 KB
            body=body,
        )
        # What refresh_search_tokens() computes, from the text we generated (the body is plain <p>s),
        # normalized sentence by sentence once rather than article by article (NFKC is the slow part).
        article.search_tokens = search.index_text("\n".join(normalized_text), titles=[title])
        batch.append(article)
        if len(batch) == 500:
            Article.objects.bulk_create(batch)  # RichTextField still sanitizes each body
            batch = []
    Article.objects.bulk_create(batch)
    article_seconds = time.monotonic() - started

    member_rows = []
    for number in range(members):
        city = rng.choice(list(Member.City))
        member = Member(
            name=f"{city.label}第{number}{rng.choice(KINDS)}",
            short_name=f"{city.label[:2]}{number}区",
            city=city,
            kind=rng.choice(list(Member.Kind)),
            introduction=f"<p>{''.join(rng.choice(SENTENCES) for _ in range(3))}</p>",
        )
        member.refresh_search_tokens()
        member_rows.append(member)
    Member.objects.bulk_create(member_rows, batch_size=500)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does soon after a bulk load: statistics, and GIN pending lists merged
            # (the planner prices a GIN index with a long pending list as expensive).
            cursor.execute("VACUUM ANALYZE")
    return {"articles": articles, "members": members, "article_seconds": round(article_seconds, 1)}


def task_count_queries(paths):
    """SQL queries and result counts of each search page (Django's test client, second request)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # so that responses carry their context
    client = Client(SERVER_NAME="127.0.0.1", HTTP_USER_AGENT=USER_AGENT)
    results = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        results[path] = {
            "status": response.status_code,
            "queries": len(captured),
            "counts": response.context["counts"] if response.context else None,
        }
    return results


def task_explain(query):
    """The database's plan for the article search (does it use the index?)."""
    from news.models import Article
    from search.fulltext import index_scans

    rows = Article.objects.published().search(query).values_list("pk", flat=True)[:20]
    with index_scans():  # as the search page runs it
        return {"plan": rows.explain()}


TASKS = {"generate": task_generate, "count_queries": task_count_queries, "explain": task_explain}


# --- Orchestration -------------------------------------------------------------------------------------------


def django_env(database_url, static_root):
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
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run(command, env, what):
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench-search: {what} failed (exit status {done.returncode})")
    log(f"{what}: {time.monotonic() - started:.1f} s")
    return done.stdout


def django_task(env, name, **arguments):
    command = [sys.executable, __file__, "--task", name, "--task-args", json.dumps(arguments)]
    return json.loads(run(command, env, f"task {name}").strip().splitlines()[-1])


def postgres_admin(database_url, sql):
    import psycopg

    admin_url = urlunsplit(urlsplit(database_url)._replace(path="/postgres", query=""))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql)


def scratch_postgres_name(database_url):
    name = urlsplit(database_url).path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1"} or not name.replace("_", "").isalnum():
        raise SystemExit(f"bench-search: name a plain scratch database to drop and re-create, not {name!r}")
    return name


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env, port, workers, log_path):
    command = [str(GUNICORN), "hnda_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    log_file = open(log_path, "w")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    server.log_file = log_file
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench-search: gunicorn exited:\n{Path(log_path).read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/", headers={"User-Agent": USER_AGENT})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit("bench-search: gunicorn did not answer within 60 s")


def stop_gunicorn(server):
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
    server.log_file.close()


def measure(url, connections, duration, script):
    """wrk's figures for ``url``: requests, req/s, errors, p50/p95/p99/max in ms."""
    for _ in range(3):  # warm both workers
        connection = http.client.HTTPConnection("127.0.0.1", urlsplit(url).port, timeout=30)
        connection.request("GET", urlsplit(url).path + "?" + urlsplit(url).query, headers={"User-Agent": USER_AGENT})
        connection.getresponse().read()
    command = [WRK, "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{duration}s", "-s", script]
    command += ["-H", f"User-Agent: {USER_AGENT}", "-H", "Accept-Encoding: gzip", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    figures = json.loads(line.removeprefix("WRK_JSON "))
    figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="postgres://…/SCRATCH_NAME (dropped and re-created); default SQLite")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--body-kb", type=int, default=20)
    parser.add_argument("--members", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=2, help="wrk connections (default: one per worker)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per query")
    parser.add_argument("--keep-db", action="store_true", help="leave the PostgreSQL database in place")
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--task-args", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.task:
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        print(json.dumps(TASKS[options.task](**json.loads(options.task_args)), ensure_ascii=False))
        return

    if not Path(WRK).exists():
        raise SystemExit("bench-search: wrk is needed (apt-get install wrk)")
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="hnda-bench-search-"))
    database_url = options.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    postgres = urlsplit(database_url).scheme.startswith("postgres")
    if postgres:
        name = scratch_postgres_name(database_url)
        postgres_admin(database_url, f'DROP DATABASE IF EXISTS "{name}"')
        postgres_admin(database_url, f'CREATE DATABASE "{name}"')
    env = django_env(database_url, workdir / "static")
    server = None
    try:
        manage = [sys.executable, "manage.py"]
        run([*manage, "migrate", "--noinput"], env, "migrate")
        run([*manage, "load_seed"], env, "load_seed")
        run([*manage, "collectstatic", "--noinput"], env, "collectstatic")
        sizes = {"articles": options.articles, "body_kb": options.body_kb, "members": options.members}
        generated = django_task(env, "generate", **sizes)
        paths = [f"/search/?q={quote(query)}" for _, query in QUERIES]
        queries = django_task(env, "count_queries", paths=paths)
        plan = django_task(env, "explain", query=QUERIES[0][1])["plan"]
        log(f"data ready after {time.monotonic() - started:.0f} s")

        script = workdir / "report.lua"
        script.write_text(WRK_REPORT)
        port = free_port()
        server = start_gunicorn(env, port, options.workers, workdir / "gunicorn.log")
        rows = []
        for label, query in QUERIES:
            path = f"/search/?q={quote(query)}"
            figures = measure(f"http://127.0.0.1:{port}{path}", options.connections, options.duration, str(script))
            rows.append({"label": label, "query": query, **figures, **queries[path]})
            log(f"{label}: p95 {figures['p95']:.1f} ms")
        label, path = REFERENCE
        figures = measure(f"http://127.0.0.1:{port}{path}", options.connections, options.duration, str(script))
        rows.append({"label": label, "query": path, **figures, "queries": "", "counts": None})
    finally:
        if server is not None:
            stop_gunicorn(server)
        shutil.rmtree(workdir, ignore_errors=True)
        if postgres and not options.keep_db:
            postgres_admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    kind = "PostgreSQL" if postgres else "SQLite"
    load = os.getloadavg()
    articles, members = generated["articles"], generated["members"]
    print(f"\nSearch on {kind}: {articles} articles of ~{options.body_kb} KB, {members} members;")
    print(f"gunicorn {options.workers} sync workers, wrk {options.connections} connections × {options.duration} s;")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; whole run {time.monotonic() - started:.0f} s.\n")
    print("| query | results (news/docs/members) | req/s | p50 ms | p95 ms | p99 ms | errors | SQL queries |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        counts = row["counts"]
        found = f"{counts['news']}/{counts['documents']}/{counts['members']}" if counts else ""
        print(
            f"| {row['label']} `{row['query']}` | {found} | {row['rps']} | {row['p50']:.1f} | {row['p95']:.1f} "
            f"| {row['p99']:.1f} | {row['errors']} | {row['queries']} |"
        )
    print(f"\nPlan of the article search ({QUERIES[0][1]}):\n{plan}")
    if any(row["p95"] >= TARGET_P95_MS for row in rows if row["counts"]):
        print(f"\np95 target ({TARGET_P95_MS} ms) missed on {kind}.")


if __name__ == "__main__":
    main()
