"""Site-wide behaviour: migrations, layout, errors, settings, seed content, search, set-up commands."""

import os
import re
import subprocess
import sys
from importlib import import_module
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from hnda_site.models import SeedRecord, SiteSettings
from hnda_site.seeding import SEED_MODULES, load_all
from members.models import Member
from news.models import Article

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLE = "长沙高新区入选全国13家国家高新区启动企业创新积分制试点"

pytestmark = pytest.mark.django_db


def public_urls():
    article = Article.objects.published().first()
    member = Member.objects.active().first()
    return [
        "/",
        "/news/",
        "/news/park-express/",
        article.get_absolute_url(),
        "/search/?q=高新区",
        "/search/",
        "/about/intro/",
        "/about/charter/",
        "/about/charter/history/",
        "/about/charter/v1/",
        "/about/charter/compare/1/1/",
        "/members/",
        "/members/?city=changsha&level=national",
        member.get_absolute_url(),
    ]


# --- Project hygiene ------------------------------------------------------------


def test_no_missing_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_every_public_page_has_one_h1_and_the_shared_layout(client, seeded):
    for url in public_urls():
        content = client.get(url).content.decode()
        assert len(re.findall(r"<h1[\s>]", content)) == 1, url
        assert content.count('class="site-header"') == 1, url
        assert content.count('class="site-footer"') == 1, url
        assert "湖南省长沙市五一大道492号粮贸大厦14楼" in content, url


def test_pages_load_nothing_from_another_host(client, seeded):
    for url in public_urls():
        content = client.get(url).content.decode()
        # Canonical and hreflang links name the page's public addresses; nothing is loaded from them.
        loads = r'<(?:script|link(?! rel="(?:canonical|alternate)")|img|iframe)[^>]+(?:src|href)="(?:https?:)?//[^"]+"'
        external = re.findall(loads, content)
        assert external == [], url


def nav_of(content):
    start = content.index('aria-label="主导航"')
    return content[start : content.index("</nav>", start)]


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/", '<a href="/" aria-current="page">首页</a>'),
        ("/news/park-express/", '<a href="/news/park-express/" aria-current="page">园区快讯</a>'),
        ("/about/charter/history/", '<a href="/about/charter/" aria-current="page">协会章程</a>'),
        ("/members/?city=changsha", '<a href="/members/" aria-current="page">会员单位</a>'),
        ("/contact/", '<a href="/contact/" aria-current="page">联系我们</a>'),
    ],
)
def test_current_section_is_marked_once_in_navigation(client, seeded, url, current):
    nav = nav_of(client.get(url).content.decode())
    assert current in nav
    assert nav.count('aria-current="page"') == 1


def test_an_article_marks_its_own_category_in_navigation(client, seeded):
    article = Article.objects.published().first()
    nav = nav_of(client.get(article.get_absolute_url()).content.decode())
    assert '<a href="/news/park-express/" aria-current="page">园区快讯</a>' in nav


# --- Errors -----------------------------------------------------------------------


def test_404_page_is_chinese_in_site_layout(client, seeded):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "页面不存在" in content and 'class="site-header"' in content


def test_500_page_renders_without_database_or_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


def test_disallowed_host_is_chinese_400(client, seeded):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


@pytest.mark.parametrize("url", ["/search/?q=%00", "/members/?q=a%00b", "/news/?x%00=1", "/admin/news/article/?q=%00"])
def test_nul_in_query_string_is_a_chinese_400_not_a_database_error(staff_client, seeded, url):
    """PostgreSQL cannot store or compare NUL: such a request is refused before any query."""
    response = staff_client.get(url)
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_expired_form_is_a_chinese_403_that_says_what_to_do(seeded):
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期，提交未成功" in response.content.decode()


# --- Site settings -------------------------------------------------------------------


def test_footer_shows_contacts_and_filing_numbers_only_when_set(client, seeded):
    content = client.get("/").content.decode()
    assert "beian.miit.gov.cn" not in content
    assert "电话：" not in content
    settings = SiteSettings.load()
    settings.phone = "0731-12345678"
    settings.icp_number = "湘ICP备00000000号"
    settings.police_number = "湘公网安备 43010000000000号"
    settings.save()
    content = client.get("/").content.decode()
    assert '电话：<a href="tel:0731-12345678">0731-12345678</a>' in content
    assert (
        '<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener noreferrer">湘ICP备00000000号</a>'
        in content
    )
    assert "code=43010000000000" in content


def test_site_settings_are_one_record_in_admin(staff_client, seeded):
    response = staff_client.get(reverse("admin:hnda_site_sitesettings_changelist"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:hnda_site_sitesettings_change", args=[1])
    assert staff_client.get(reverse("admin:hnda_site_sitesettings_add")).status_code == 403
    assert staff_client.post(reverse("admin:hnda_site_sitesettings_delete", args=[1])).status_code == 403


def test_editing_site_settings_in_admin_shows_on_site(staff_client, client, seeded):
    url = reverse("admin:hnda_site_sitesettings_change", args=[1])
    data = {
        "name": "湖南省开发区协会",
        "english_name": "Hunan Development Zones Association",
        "welcome": "欢迎访问！",
        "address": "长沙",
        "phone": "",
        "email": "info@example.org",
        "icp_number": "",
        "police_number": "",
        "footer_text": "",
    }
    assert staff_client.post(url, data).status_code == 302
    content = client.get("/").content.decode()
    assert "<h1>欢迎访问！</h1>" in content
    assert "mailto:info@example.org" in content
    assert SiteSettings.objects.count() == 1


# --- Seed content ----------------------------------------------------------------------


def test_seed_loads_the_original_site_faithfully(db):
    load_all()
    article = Article.objects.get(title=SEED_ARTICLE)
    assert article.is_public
    assert article.publisher == "科技部、湖南开发区网"
    assert article.category.name == "园区快讯"
    assert article.published_at.astimezone().date().isoformat() == "2020-12-18"
    paragraphs = re.findall(r"<p>(.*?)</p>", article.body)
    assert len(paragraphs) == 6  # the seed has six paragraphs of text
    assert paragraphs[0].startswith("为深入贯彻党的十九届五中全会精神,认真落实《国务院关于促进国家高新技术产业开发区")
    assert paragraphs[-1].endswith("昆山高新区等13家具备条件的国家高新区启动首批试点。")
    drafts = set(Article.objects.drafts().values_list("title", flat=True))
    assert drafts == {"湘西高新区:“四个第一” 推动绿色发展", "长沙经开区:承接自贸区制度创新任务"}
    assert Article.objects.get(title="长沙经开区:承接自贸区制度创新任务").body == ""
    settings = SiteSettings.load()
    assert settings.welcome == "欢迎来到湖南省开发区协会中心网站!"
    assert settings.address == "湖南省长沙市五一大道492号粮贸大厦14楼"


def test_seed_is_idempotent_and_never_overwrites_staff_changes(db):
    assert load_all()
    article = Article.objects.get(title=SEED_ARTICLE)
    article.title = "员工修改后的标题"
    article.save()
    Article.objects.drafts().first().delete()
    settings = SiteSettings.load()
    settings.address = "新地址"
    settings.save()

    assert load_all() == []
    assert Article.objects.count() == 2
    assert not Article.objects.filter(title=SEED_ARTICLE).exists()
    assert SiteSettings.load().address == "新地址"


def test_load_seed_command(db):
    out = StringIO()
    call_command("load_seed", stdout=out)
    assert "news.article.changsha-innovation-points" in out.getvalue()
    out = StringIO()
    call_command("load_seed", stdout=out)
    assert "nothing to do" in out.getvalue()
    # Every piece of every app recorded once: the second run found each one loaded.
    pieces = [key for name in SEED_MODULES for key, _ in import_module(name).PIECES]
    assert sorted(SeedRecord.objects.values_list("key", flat=True)) == sorted(pieces)


def test_seed_content_ships_inside_the_project():
    tracked = (REPO / "news" / "seed_content" / "changsha-innovation-points.txt").read_text(encoding="utf-8")
    assert "企业创新积分制源于江苏省地方实践" in tracked
    for path in REPO.glob("*/seed*.py"):
        assert "shared/seed" not in path.read_text(encoding="utf-8")


# --- Search, sitemap, robots ----------------------------------------------------------------


def test_sitemap_lists_public_articles_only(client, make_article):
    public = make_article("公开")
    draft = make_article("草稿", status=Article.Status.DRAFT)
    content = client.get("/sitemap.xml").content.decode()
    assert f"http://testserver{public.get_absolute_url()}" in content
    assert f"http://testserver{draft.get_absolute_url()}" not in content


def test_robots_txt_points_to_sitemap(client):
    content = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in content
    assert "Sitemap: http://testserver/sitemap.xml" in content


# --- Set-up commands and configuration ------------------------------------------------------


def test_ensure_admin_creates_one_account_with_random_password(db):
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    password = re.search(r"password:\s+(\S+)", out.getvalue()).group(1)
    assert User.objects.get(username="admin").check_password(password)
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    assert "existing account" in out.getvalue()
    assert User.objects.count() == 1
    assert User.objects.get(username="admin").check_password(password)


def run_manage(*args, **env):
    clean_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**clean_env, "DJANGO_SETTINGS_MODULE": "hnda_site.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    """gunicorn loads hnda_site.wsgi: without a SECRET_KEY (and DEBUG off) it must not start."""
    clean_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "-c", "import hnda_site.wsgi"],
        cwd=REPO,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    deploy_check = run_manage("check", "--deploy", "--fail-level", "WARNING", ALLOWED_HOSTS="www.example.org")
    assert deploy_check.returncode != 0
    assert "SECRET_KEY" in deploy_check.stderr + deploy_check.stdout


def test_the_loaded_application_is_out_of_the_garbage_collectors_sight():
    """hnda_site.wsgi freezes what it loaded (gc.freeze): a full collection no longer walks Django and
    the apps in the middle of a request."""
    code = "import gc; before = gc.get_freeze_count(); import hnda_site.wsgi; print(before, gc.get_freeze_count())"
    env = {**os.environ, "SECRET_KEY": "test-only-" + "x" * 40, "DEBUG": "false", "ALLOWED_HOSTS": "localhost"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    before, after = map(int, result.stdout.split())
    assert before == 0 and after > 50_000


def test_commands_that_need_no_key_run_without_one():
    """makemigrations and the like work in a build step that has no secrets."""
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 30 + "-a-long-random-production-secret-0123456789",
        ALLOWED_HOSTS="www.example.org",
    )
    assert result.returncode == 0, result.stderr
