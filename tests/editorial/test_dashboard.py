"""The 内容检查 panel on the admin index and ``manage.py check_links`` (issue 8)."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from association.models import Document, DocumentVersion
from editorial.models import LinkCheck
from members.models import Member
from news.models import Article, Category

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


def dashboard(staff_client):
    return staff_client.get(reverse("admin:index")).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_category_without_news_past_its_threshold_is_flagged(staff_client, category, make_article):
    notices = Category.objects.create(name="通知公告", slug="notices", order=2)
    make_article("新闻", days_ago=31)  # 园区快讯: 30 days
    make_article("通知", days_ago=31, category=notices)  # 通知公告: 90 days

    content = dashboard(staff_client)
    assert "园区快讯</a>：最新文章发布于" in content
    assert "2026年10月20日" in content and "已 31 天没有更新（超过 30 天提醒）" in content
    assert "通知公告</a>：最新文章发布于" not in content


@time_machine.travel(TODAY, tick=False)
def test_staff_set_the_threshold_per_category(staff_client, category, make_article):
    make_article("新闻", days_ago=31)
    category.stale_after_days = 60
    category.save()
    assert "已 31 天没有更新" not in dashboard(staff_client)


@time_machine.travel(TODAY, tick=False)
def test_empty_categories_old_drafts_and_scheduled_articles_are_listed(staff_client, category, make_article):
    Category.objects.create(name="政策法规", slug="policies")
    with time_machine.travel(TODAY - timedelta(days=8), tick=False):
        Article.objects.create(title="搁置八天的草稿", category=category)
    Article.objects.create(title="昨天的草稿", category=category)
    make_article("下周的文章", days_ago=-7)
    make_article("已发布的文章")

    content = dashboard(staff_client)
    assert "政策法规</a>：空栏目，还没有已发布的文章" in content
    assert "搁置八天的草稿</a>（最后修改于 2026年11月12日）" in content
    assert "昨天的草稿" not in content
    assert "下周的文章</a>：2026年11月27日 10:00 发布" in content


def test_members_with_gaps_and_documents_without_effective_date_are_listed(staff_client, db):
    Member.objects.create(name="缺网址的园区", city="changsha", kind="other", introduction="<p>简介</p>")
    Member.objects.create(name="停用的园区", city="changsha", kind="other", active=False)
    document = Document.objects.create(slug="intro", title="协会简介")
    DocumentVersion.objects.create(document=document, body="<p>正文</p>").publish()
    dated = Document.objects.create(slug="charter", title="协会章程")
    DocumentVersion.objects.create(document=dated, body="<p>正文</p>", effective_date=TODAY.date()).publish()

    content = dashboard(staff_client)
    assert "缺网址的园区</a>：缺标志、网址" in content
    assert "停用的园区" not in content
    assert "协会简介</a>（第 1 版）" in content
    assert "协会章程</a>（第" not in content


@pytest.fixture
def linked_content(category, make_article):
    target = make_article("存在的文章")
    draft = Article.objects.create(title="草稿", category=category)
    default_storage.save("uploads/exists.pdf", ContentFile(b"%PDF"))
    body = (
        f'<p><a href="{target.get_absolute_url()}">好</a> <a href="/news/{draft.pk}/">草稿</a>'
        ' <a href="/no-such-page/">无</a> <a href="http://127.0.0.1/members/999/">会员</a>'
        ' <a href="/media/uploads/exists.pdf">文件</a> <a href="/media/uploads/gone.pdf">丢失</a>'
        ' <a href="https://www.gov.cn/">外站</a> <a href="/news/park-express">栏目</a></p>'
    )
    return make_article("有链接的文章", body=body)


def test_check_links_finds_internal_links_to_missing_pages(linked_content):
    out = StringIO()
    call_command("check_links", stdout=out)
    run = LinkCheck.objects.get()
    assert run.links_checked == 7
    assert sorted(link.href for link in run.broken_links.all()) == [
        "/media/uploads/gone.pdf",
        f"/news/{Article.objects.get(title='草稿').pk}/",
        "/no-such-page/",
        "http://127.0.0.1/members/999/",
    ]
    assert "检查了 7 个站内链接，4 个失效" in out.getvalue()


def test_the_dashboard_shows_broken_links_with_the_time_of_the_last_check(staff_client, linked_content):
    assert "还没有检查过站内链接" in dashboard(staff_client)
    # An hour after the content was written (the content's own clock, never the real one).
    checked_at = (timezone.localtime() + timedelta(hours=1)).replace(second=0, microsecond=0)
    with time_machine.travel(checked_at, tick=False):
        call_command("check_links", stdout=StringIO())
    content = dashboard(staff_client)
    assert f"上次检查：{checked_at.year}年{checked_at.month}月{checked_at.day}日 {checked_at:%H:%M}" in content
    assert "<code>/no-such-page/</code> 指向不存在的页面" in content


def test_staff_can_run_the_link_check_from_the_dashboard(staff_client, linked_content):
    response = staff_client.post(reverse("admin:editorial_linkcheck_run"), follow=True)
    assert "链接检查完成：检查了 7 个站内链接，4 个失效" in response.content.decode()
    assert staff_client.get(reverse("admin:editorial_linkcheck_run")).status_code == 405


def test_the_dashboard_takes_a_constant_number_of_queries(staff_client, category, make_article):
    def count():
        with CaptureQueriesContext(connection) as queries:
            dashboard(staff_client)
        return len(queries)

    call_command("check_links", stdout=StringIO())
    few = count()
    for number in range(5):
        extra = Category.objects.create(name=f"栏目{number}", slug=f"c{number}")
        make_article(f"旧文章{number}", days_ago=100, category=extra)
        make_article(f"定时{number}", days_ago=-3)
        Member.objects.create(name=f"园区{number}", city="changsha", kind="other")
        document = Document.objects.create(slug=f"d{number}", title=f"文件{number}")
        DocumentVersion.objects.create(document=document, body="<p>正文</p>").publish()
        make_article(f"坏链接{number}", body='<a href="/nowhere/">x</a>')
    call_command("check_links", stdout=StringIO())
    assert count() == few


def test_the_dashboard_shows_only_what_the_staff_member_may_change(client, django_user_model, category, make_article):
    from django.contrib.auth.models import Group

    Member.objects.create(name="缺资料的园区", city="changsha", kind="other")
    Category.objects.create(name="政策法规", slug="policies")
    clerk = django_user_model.objects.create_user("clerk", password="pw-123456789", is_staff=True)
    clerk.groups.add(Group.objects.get(name="会员管理"))
    client.force_login(clerk)
    content = client.get(reverse("admin:index")).content.decode()
    assert "缺资料的园区" in content
    assert "政策法规" not in content
