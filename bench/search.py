"""Search benchmark: /search/ over 10,000 articles of 5–30 KB of realistic text, the seed documents and 5,000 members.

The text has the word frequencies of a real 开发区 site: 园区, 开发区, 创新, 高新区 and 长沙 in about 90% of
the articles, then a Zipf long tail of generated words (a few in thousands of articles, most in a handful).
Builds a throw-away database (SQLite in a temporary folder, or with ``--database-url
postgres://…/NAME`` the PostgreSQL database NAME, dropped and re-created, dropped at the
end), bulk-creates the corpus and ANALYZEs it as the site's bulk writers do, serves the site with gunicorn
(production settings, DEBUG off) and measures with ``wrk`` every query class: a word in 90% of the
articles, a rare word, two words, a one-character word, full-width Latin: requests/s, p50/p95/p99
latency, errors, the median of ``--rounds`` rounds. Also the SQL queries per search page and how many
results each query has.

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
import statistics
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
QUERIES = [
    ("90% 的文章 a word in 90% of articles", "园区"),
    ("罕见词 a rare word", "梅溪湖"),
    ("两个词 two words", "长沙 创新"),
    ("一个字 one character", "园"),
    ("全角拉丁 full-width Latin", "Ｈｕｎａｎ"),
]
# A page without search, measured the same way: on a busy machine the ratio says more than milliseconds.
REFERENCE = ("参照 reference: 快讯列表", "/news/")
ADMIN_PREFIX = "/admin/"  # pages measured logged in (task_staff_cookie)
SLOW_MS = 2000  # a page slower than this (one request, test client) is not loaded with wrk
TARGET_P95_MS = {"postgresql": 50, "sqlite": 100}  # at 10,000 articles; PostgreSQL < 100 ms at 100,000
# The words of a 开发区 site found in most articles, and how many of the articles have each.
COMMON_WORDS = {"园区": 0.92, "开发区": 0.9, "创新": 0.9, "高新区": 0.88, "长沙": 0.9}
RARE_WORD, RARE_SHARE = "梅溪湖", 0.002  # the rare query: in about 20 of 10,000 articles
LATIN_WORD, LATIN_SHARE = "Hunan", 0.1  # searched for in full width (Ｈｕｎａｎ)
VOCABULARY = 20_000  # generated words of the long tail, Zipf-distributed
# Characters the long tail's words are made of (common ones, so that bigrams recur as in real text).
CHARACTERS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后"
    "多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合"
    "还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只"
    "没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边"
    "流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造"
    "百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例"
    "真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且"
    "究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何"
)


def zipf_vocabulary(rng, size):
    """``size`` distinct generated words of 2–4 characters, most frequent first, and their Zipf weights."""
    words, seen = [], set(COMMON_WORDS) | {RARE_WORD}
    while len(words) < size:
        word = "".join(rng.choice(CHARACTERS) for _ in range(rng.choice((2, 2, 2, 3, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights, total = [], 0.0
    for rank in range(size):
        total += 1 / (rank + 3)
        weights.append(total)
    return words, weights


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


def task_generate(articles, min_kb, max_kb, members, seed=20201218):
    """Bulk-create ``articles`` published articles of ``min_kb``–``max_kb`` KB of realistic text (see the module's
    docstring) and ``members`` members, their search tokens computed, then ANALYZE."""
    from django.db import connection
    from django.utils import timezone

    from members.models import Member
    from news.models import Article, Category
    from search import fulltext as search

    rng = random.Random(seed)
    category = Category.objects.get(slug="park-express")
    now = timezone.now()
    started = time.monotonic()
    words, cumulative = zipf_vocabulary(rng, VOCABULARY)
    zones = [city + kind for city in CITIES for kind in KINDS]
    punctuation = "，，，、。"
    batch = []
    for number in range(1, articles + 1):
        target = rng.randint(min_kb * 1024, max_kb * 1024) // 3  # characters (3 bytes each in UTF-8)
        present = [word for word, share in COMMON_WORDS.items() if rng.random() < share]
        if rng.random() < RARE_SHARE * 2 / 3:  # (the rare word is also in some titles)
            present.append(RARE_WORD)
        latin = rng.random() < LATIN_SHARE
        paragraphs, size = [], 0
        while size < target:
            sentence = rng.choices(words, cum_weights=cumulative, k=rng.randint(40, 90))
            for word in present:
                if rng.random() < 0.3:
                    sentence.insert(rng.randrange(len(sentence)), word)
            if latin and rng.random() < 0.2:
                sentence.insert(rng.randrange(len(sentence)), f" {LATIN_WORD} ")
            text = "".join(word + (rng.choice(punctuation) if rng.random() < 0.15 else "") for word in sentence)
            text = rng.choice(zones) + text + "。"
            paragraphs.append(text)
            size += len(text) + 7
        for word in present:  # each present word at least once
            paragraphs[-1] += word + "。"
        if latin:
            paragraphs[-1] += f"{LATIN_WORD} 开发区。"
        title_words = [rng.choice(CITIES) + rng.choice(KINDS)]
        title_words += [word for word in present if rng.random() < 0.15 or (word == RARE_WORD and rng.random() < 0.5)]
        title_words += rng.choices(words, cum_weights=cumulative, k=2)
        title = "".join(title_words) + rng.choice(TOPICS)
        text = "\n".join(paragraphs)
        article = Article(
            title=title[:200],
            category=category,
            publisher="基准测试",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=30 * number),
            summary=paragraphs[0][:119] + "…",  # what summarize() gives, without parsing 20 KB
            body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
        )
        # What refresh_search_tokens() computes (the body is plain <p>s of generated, normalized text).
        article.search_tokens = search.index_text(text, titles=[article.title])
        batch.append(article)
        if len(batch) == 500:
            Article.objects.bulk_create(batch)  # RichTextField still sanitizes each body
            batch = []
            if number % 5000 == 0:
                log(f"{number} articles, {time.monotonic() - started:.0f} s")
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
    # As every bulk writer of the site does (import, restore, rebuild_search_index): statistics.
    search.refresh_statistics(connection)
    if connection.vendor == "postgresql":
        # And as autovacuum does soon after a bulk load on a server in service (it is on by default, off on
        # this benchmark machine): the visibility map set, so that a count or a deep page's keys read the
        # indexes without visiting each row.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    return {"articles": articles, "members": members, "article_seconds": round(article_seconds, 1)}


def bench_editor():
    """The staff account of the admin pages measured: the 编辑 role (no superuser, so no second step)."""
    from django.contrib.auth.models import Group, User

    user, created = User.objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name="编辑"))
    return user


def task_staff_cookie():
    """A logged-in session of ``bench_editor`` for wrk: {"cookie": "name=value"}."""
    from django.conf import settings
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(bench_editor())
    return {"cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}


def task_count_queries(paths):
    """SQL queries and result counts of each page (Django's test client, second request); the admin's
    pages as ``bench_editor``."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # so that responses carry their context
    client = Client(SERVER_NAME="127.0.0.1", HTTP_USER_AGENT=USER_AGENT)
    if any(path.startswith(ADMIN_PREFIX) for path in paths):
        client.force_login(bench_editor())
    results = {}
    for path in paths:
        client.get(path)
        started = time.monotonic()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        results[path] = {
            "single_ms": round((time.monotonic() - started) * 1000, 1),
            "status": response.status_code,
            "queries": len(captured),
            "counts": response.context.get("counts") if response.context else None,
        }
    return results


def task_explain(query):
    """The database's plan for the first page of the article search (does it use the index?)."""
    from news.models import Article
    from search import fulltext as search

    articles = search.matching(Article.objects.published(), query).order_by("-published_at", "-id")
    tier = search.rank_tiers(search.parse(query))[-1]
    rows = articles.filter(search.IndexMatch(tier)).values_list("pk", flat=True)[:20]
    return {"plan": rows.explain()}


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


def measure(url, connections, duration, script, cookie=None):
    """wrk's figures for ``url``: requests, req/s, errors, p50/p95/p99/max in ms (a page that does not
    answer its warm-up within 60 s gets no figures rather than stopping the run). ``cookie``: a
    ``Cookie`` header for every request (the admin's pages)."""
    parts = urlsplit(url)
    headers = {"User-Agent": USER_AGENT} | ({"Cookie": cookie} if cookie else {})
    try:
        for _ in range(3):  # warm both workers
            connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=60)
            connection.request("GET", parts.path + "?" + parts.query, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise OSError(f"status {response.status}")
    except OSError as error:
        log(f"{url}: no answer to the warm-up ({error})")
        return {"requests": 0, "seconds": 0, "errors": 1, "p50": 0, "p95": float("inf"), "p99": 0, "max": 0, "rps": 0}
    command = [WRK, "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{duration}s", "-s", script]
    command += ["--timeout", "30s", "-H", f"User-Agent: {USER_AGENT}", "-H", "Accept-Encoding: gzip", url]
    if cookie:
        command[-1:-1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    figures = json.loads(line.removeprefix("WRK_JSON "))
    figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
    return figures


def median_round(rounds):
    """The median of each figure over the rounds (wrk's own percentiles per round)."""
    keys = ("rps", "p50", "p95", "p99", "max")
    figures = {key: statistics.median(round_[key] for round_ in rounds) for key in keys}
    figures["errors"] = sum(round_["errors"] for round_ in rounds)
    figures["p95_rounds"] = [round_["p95"] for round_ in rounds]
    return figures


def task_scale_paths():
    """Paths of "the rest at scale": a deep 栏目 page, the sitemap, feeds, the directory, an article, the
    admin's article list and its search box."""
    from members.models import Member
    from news.models import Article, Category
    from news.views import NEWS_PER_PAGE
    from seo.sitemaps import URLS_PER_SITEMAP

    articles_per_file = URLS_PER_SITEMAP // 2  # room for each article's English address

    category = Category.objects.get(slug="park-express")
    count = Article.objects.published().filter(category=category).count()
    deep = min(2000, max(1, count // NEWS_PER_PAGE))
    article = Article.objects.published().order_by("-published_at")[count // 2]
    city = Member.objects.values_list("city", flat=True).first()
    return [
        (f"栏目第 {deep} 页 deep page", f"/news/park-express/?page={deep}"),
        ("网站地图 sitemap (index)", "/sitemap.xml"),
        ("网站地图 first articles file", "/sitemap-articles.xml"),
        ("网站地图 last full articles file", f"/sitemap-articles.xml?p={max(1, count // articles_per_file)}"),
        ("网站地图 members file", "/sitemap-members.xml"),
        ("RSS feed", "/news/feed/"),
        ("栏目 feed", "/news/park-express/feed/"),
        ("会员名录 members", "/members/"),
        ("会员筛选 every filter", f"/members/?city={city}&level=national&kind=economic&q=园区"),
        ("文章 article (相关快讯)", f"/news/{article.pk}/"),
        ("后台文章列表 admin article list", f"{ADMIN_PREFIX}news/article/"),
        ("后台文章搜索 admin article search", f"{ADMIN_PREFIX}news/article/?q=园区"),
        ("后台文章搜索 admin search, rare word", f"{ADMIN_PREFIX}news/article/?q=梅溪湖"),
    ]


TASKS = {
    "generate": task_generate,
    "count_queries": task_count_queries,
    "explain": task_explain,
    "scale_paths": task_scale_paths,
    "staff_cookie": task_staff_cookie,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="postgres://…/SCRATCH_NAME (dropped and re-created); default SQLite")
    parser.add_argument("--articles", type=int, default=10_000, help="10000 by default; 100000 for the large run")
    parser.add_argument("--min-kb", type=int, default=5)
    parser.add_argument("--max-kb", type=int, default=30)
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=2, help="wrk connections (default: one per worker)")
    parser.add_argument("--duration", type=int, default=4, help="seconds of load per query and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported")
    parser.add_argument("--no-pages", action="store_true", help="only search, not the other pages at scale")
    parser.add_argument("--keep-db", action="store_true", help="leave the PostgreSQL database in place")
    parser.add_argument("--reuse-db", action="store_true", help="measure the database left by --keep-db")
    parser.add_argument("--sqlite-file", help="the SQLite database file (default: a temporary one, deleted)")
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
    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="hnda-bench-search-"))
    sqlite_file = Path(options.sqlite_file).resolve() if options.sqlite_file else workdir / "bench.sqlite3"
    database_url = options.database_url or f"sqlite:///{sqlite_file}"
    postgres = urlsplit(database_url).scheme.startswith("postgres")
    reuse = options.reuse_db and (postgres or sqlite_file.exists())
    if not postgres and not reuse and sqlite_file.exists():
        sqlite_file.unlink()
    if postgres:
        name = scratch_postgres_name(database_url)
        if not reuse:
            postgres_admin(database_url, f'DROP DATABASE IF EXISTS "{name}"')
            postgres_admin(database_url, f'CREATE DATABASE "{name}"')
    env = django_env(database_url, workdir / "static")
    servers = []
    try:
        manage = [sys.executable, "manage.py"]
        run([*manage, "migrate", "--noinput"], env, "migrate")
        if not reuse:
            run([*manage, "load_seed"], env, "load_seed")
        run([*manage, "collectstatic", "--noinput"], env, "collectstatic")
        sizes = {"articles": options.articles, "min_kb": options.min_kb, "max_kb": options.max_kb}
        if reuse:
            generated = {"articles": options.articles, "members": options.members, "article_seconds": None}
        else:
            generated = django_task(env, "generate", **sizes, members=options.members)
        paths = [f"/search/?q={quote(query)}" for _, query in QUERIES]
        queries = django_task(env, "count_queries", paths=paths)
        plans = {query: django_task(env, "explain", query=query)["plan"] for _, query in QUERIES}
        scale = [] if options.no_pages else django_task(env, "scale_paths")
        uncached_env = {**env, "PAGE_CACHE_ENABLED": "false"}  # the other pages: every request a cache miss
        scale_paths = [path for _, path in scale]
        scale_queries = django_task(uncached_env, "count_queries", paths=scale_paths) if scale else {}
        cookie = django_task(env, "staff_cookie")["cookie"] if scale else None
        log(f"data ready after {time.monotonic() - started:.0f} s")

        script = workdir / "report.lua"
        script.write_text(WRK_REPORT)
        port = free_port()
        servers.append(start_gunicorn(env, port, options.workers, workdir / "gunicorn.log"))
        measured = [(label, query, f"/search/?q={quote(query)}") for label, query in QUERIES]
        measured.append((*REFERENCE, REFERENCE[1]))
        uncached_port = None
        if scale:
            # The other pages with the page cache off: every request is a cache miss.
            uncached_port = free_port()
            servers.append(start_gunicorn(uncached_env, uncached_port, options.workers, workdir / "uncached.log"))
        rounds = {path: [] for _, _, path in measured} | {path: [] for _, path in scale}
        for number in range(options.rounds):
            for _label, _, path in measured:
                url = f"http://127.0.0.1:{port}{path}"
                rounds[path].append(measure(url, options.connections, options.duration, str(script)))
            for _label, path in scale:
                if scale_queries[path]["single_ms"] > SLOW_MS:
                    continue  # too slow for wrk: its single request's time is reported
                url = f"http://127.0.0.1:{uncached_port}{quote(path, safe='/?=&')}"
                staff = cookie if path.startswith(ADMIN_PREFIX) else None
                rounds[path].append(measure(url, options.connections, options.duration, str(script), staff))
            log(f"round {number + 1}: load average {os.getloadavg()[0]:.2f}")
        rows = []
        for label, query, path in measured:
            counts = queries.get(path, {})
            rows.append({"label": label, "query": query, **median_round(rounds[path]), **counts})
        slow = {"rps": 0, "p50": 0, "p95": float("inf"), "p99": 0, "max": 0, "errors": 0, "p95_rounds": []}
        scale_rows = [
            {
                "label": label,
                "query": path,
                **(median_round(rounds[path]) if rounds[path] else slow),
                **scale_queries.get(path, {}),
            }
            for label, path in scale
        ]
    finally:
        for server in servers:
            stop_gunicorn(server)
        shutil.rmtree(workdir, ignore_errors=True)
        if postgres and not options.keep_db:
            postgres_admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    kind = "PostgreSQL" if postgres else "SQLite"
    load = os.getloadavg()
    articles, members = generated["articles"], generated["members"]
    print(f"\nSearch on {kind}: {articles} articles of {options.min_kb}–{options.max_kb} KB, {members} members;")
    print(
        f"gunicorn {options.workers} sync workers, wrk {options.connections} connections, "
        f"median of {options.rounds} rounds × {options.duration} s; generation {generated['article_seconds']} s;"
    )
    print(
        f"load average (1/5/15 min) before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
        f"after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; whole run {time.monotonic() - started:.0f} s.\n"
    )
    print(
        "| query | results (news/docs/members) | req/s | p50 ms | p95 ms (rounds) | p99 ms | errors | SQL queries "
        "| one request ms |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows + scale_rows:
        counts = row.get("counts")
        found = f"{counts['news']}/{counts['documents']}/{counts['members']}" if counts else ""
        each = "/".join(f"{value:.0f}" for value in row["p95_rounds"])
        print(
            f"| {row['label']} `{row['query']}` | {found} | {row['rps']:.1f} | {row['p50']:.1f} "
            f"| {row['p95']:.1f} ({each}) | {row['p99']:.1f} | {row['errors']} | {row.get('queries', '')} "
            f"| {row.get('single_ms', '')} |"
        )
    for query, plan in plans.items():
        print(f"\nPlan of the article search's last rank ({query}):\n{plan}")
    target = TARGET_P95_MS["postgresql" if postgres else "sqlite"] * (2 if articles >= 100_000 else 1)
    missed = [row["label"] for row in rows if row.get("counts") and row["p95"] >= target]
    missed += [row["label"] for row in scale_rows if row["p95"] >= 50]
    print(f"\np95 target ({target} ms search, 50 ms other pages) missed on {kind}: {missed}" if missed else "")


if __name__ == "__main__":
    main()
