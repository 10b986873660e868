"""下载中心: every public attachment by 栏目 and date, filterable, searchable, paginated, in both languages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from news.models import Article, Category

from . import files

pytestmark = pytest.mark.django_db


def page(client, **params):
    response = client.get("/downloads/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_lists_public_attachments_only(client, make_article, attach):
    attach(make_article("公开通知"), "会议通知.pdf")
    attach(make_article("草稿", status=Article.Status.DRAFT), "草稿附件.pdf")
    attach(make_article("定时", days_ago=-2), "定时附件.pdf")
    html = page(client)
    assert "会议通知.pdf" in html and "公开通知" in html
    assert "草稿附件" not in html and "定时附件" not in html


def test_newest_first_with_the_section_and_date(client, make_article, attach):
    attach(make_article("旧通知", days_ago=30), "旧表.xlsx", files.xlsx_bytes())
    attach(make_article("新通知", days_ago=1), "新表.pdf")
    html = page(client)
    assert html.index("新表.pdf") < html.index("旧表.xlsx")
    assert "园区快讯" in html
    assert timezone.localtime(timezone.now() - timedelta(days=1)).strftime("%Y年") in html


def test_filter_by_section_type_and_year(client, make_article, attach, live_document):
    notices = Category.objects.create(name="通知公告", slug="notices", order=2)
    attach(make_article("年会通知", category=notices), "报名表.docx", files.docx_bytes())
    attach(make_article("快讯"), "照片.png", files.image_bytes())
    attach(document=live_document, name="章程.pdf")
    old = make_article("去年", days_ago=400)
    attach(old, "去年名单.xlsx", files.xlsx_bytes())

    assert "报名表.docx" in page(client, section="notices") and "照片.png" not in page(client, section="notices")
    about = page(client, section="about")
    assert "章程.pdf" in about and "报名表.docx" not in about
    word = page(client, type="word")
    assert "报名表.docx" in word and "章程.pdf" not in word
    year = timezone.localtime(old.published_at).year
    by_year = page(client, year=year)
    assert "去年名单.xlsx" in by_year and "照片.png" not in by_year


def test_search_by_name(client, make_article, attach):
    attach(make_article(), "会议通知.pdf")
    attach(make_article(), "报名表.docx", files.docx_bytes())
    html = page(client, q="报名")
    assert "报名表.docx" in html and "会议通知.pdf" not in html


def test_unknown_filters_are_ignored(client, make_article, attach):
    attach(make_article(), "会议通知.pdf")
    assert "会议通知.pdf" in page(client, section="nope", type="exe", year="abc")
    assert "会议通知.pdf" in page(client, year="99999999")
    assert "会议通知.pdf" in page(client, year="1800")


@pytest.mark.parametrize("bad", ["0", "999", "abc", "-1", "99999999999999999999"])
def test_bad_page_numbers_are_404(client, make_article, attach, bad):
    attach(make_article(), "会议通知.pdf")
    assert client.get("/downloads/", {"page": bad}).status_code == 404


def test_paginated(client, make_article, attach):
    article = make_article()
    for index in range(22):
        attach(article, f"文件{index:02d}.pdf")
    assert page(client).count("downloads__item") == 20
    assert page(client, page=2).count("downloads__item") == 2


def test_english_page_lists_attachments_of_english_articles(client, make_article, attach):
    attach(make_article("中文通知", title_en="Notice", body_en="<p>Notice.</p>"), "notice.pdf")
    attach(make_article("只有中文"), "仅中文.pdf")
    response = client.get("/en/downloads/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Downloads" in html
    assert "notice.pdf" in html and "仅中文.pdf" not in html


def test_the_footer_links_to_the_download_centre(client, db):
    assert 'href="/downloads/"' in client.get("/").content.decode()


def test_query_count_does_not_grow_with_attachments(client, make_article, attach, django_assert_max_num_queries):
    for index in range(3):
        attach(make_article(f"通知{index}"), f"文件{index}.pdf")
    with django_assert_max_num_queries(15) as few:
        page(client)
    baseline = len(few.captured_queries)
    for index in range(15):
        attach(make_article(f"更多{index}"), f"更多{index}.pdf")
    with django_assert_max_num_queries(baseline):
        page(client)
