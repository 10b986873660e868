"""Two staff members edit the same article: the second, stale save is refused, nothing typed is lost."""

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from news.models import Article, Category

SECOND_PASSWORD = "e2e-Other-pass-42"


def log_in(page, username, password):
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("input[type=submit]")


def test_the_second_save_of_a_stale_form_is_refused_and_keeps_the_input(new_context, staff_user, screenshot):
    User.objects.create_superuser("zhangsan", "zhangsan@example.com", SECOND_PASSWORD)
    category = Category.objects.create(name="园区快讯", slug="park-express")
    article = Article.objects.create(title="原来的标题", category=category, body="<p>正文</p>")
    url = f"/admin/news/article/{article.pk}/change/"

    first = new_context().new_page()
    log_in(first, "editor", "e2e-Secret-pass-42")
    first.goto(url)
    second = new_context().new_page()
    log_in(second, "zhangsan", SECOND_PASSWORD)
    second.goto(url)

    second.fill("#id_title", "张三改的标题")
    second.get_by_role("button", name="保存", exact=True).click()
    expect(second.locator(".messagelist .success")).to_be_visible()

    first.fill("#id_title", "我改的标题")
    first.fill("#id_publisher", "我填的发布人")
    first.get_by_role("button", name="保存", exact=True).click()

    errors = first.locator(".errorlist.nonfield")
    expect(errors).to_contain_text("有人修改并保存了这条记录（zhangsan")
    expect(errors).to_contain_text("标题：原来的标题 → 张三改的标题")
    expect(first.locator("#id_title")).to_have_value("我改的标题")
    expect(first.locator("#id_publisher")).to_have_value("我填的发布人")
    # One clear choice: the refusal, with the text kept; no second offer to restore the same text.
    expect(first.locator("form[data-unsaved-guard=on]")).to_have_count(1)
    expect(first.locator(".hnda-unsaved-banner")).to_have_count(0)
    screenshot(first, "admin-stale-form-refused")
    article.refresh_from_db()
    assert article.title == "张三改的标题"

    # Having read what changed, saving again keeps this form's text.
    first.get_by_role("button", name="保存", exact=True).click()
    expect(first.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert (article.title, article.publisher) == ("我改的标题", "我填的发布人")


def test_saving_an_unchanged_article_in_the_browser_logs_nothing(seeded, page, admin_login, screenshot):
    from django.contrib.admin.models import LogEntry

    admin_login(page)
    article = Article.objects.filter(status=Article.Status.PUBLISHED).first()
    history = article.history.count()
    page.goto(f"/admin/news/article/{article.pk}/change/")
    expect(page.locator(".field-body .ck-editor__editable")).to_be_visible()
    expect(page.locator("#id_published_at_1")).to_have_value(f"{timezone.localtime(article.published_at):%H:%M:%S}")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    assert article.history.count() == history
    assert not LogEntry.objects.exists()
    article_after = Article.objects.get(pk=article.pk)
    assert article_after.published_at.replace(microsecond=0) == article.published_at.replace(microsecond=0)

    page.goto("/admin/")
    expect(page.locator(".content-checks")).to_contain_text("内容检查")
    screenshot(page, "admin-content-checks")
