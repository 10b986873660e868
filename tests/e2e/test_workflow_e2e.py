"""发布审核 in the browser: a writer submits an article, a reviewer approves it, the public sees it."""

from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import expect

from news.models import Article, Category
from workflow.models import CategoryAssignment, Workflow

PASSWORD = "e2e-Review-pass-42"


def log_in(page, username):
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "/admin/login/" not in page.url


def staff(username, *codenames, group=None):
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def test_writer_submits_and_reviewer_approves(new_context, screenshot):
    category = Category.objects.create(name="园区快讯", slug="park-express")
    flow = Workflow.objects.create(name="一审", enabled=True)
    flow.steps.create(order=1, name="签发", group=Group.objects.get_or_create(name="分管领导")[0])
    CategoryAssignment.objects.create(workflow=flow, category=category)
    staff("writer", "view_article", "change_article", "add_article", "view_review")
    leader = staff("leader", "view_article", "change_article", "view_review", group="分管领导")
    article = Article.objects.create(title="审核中的新闻", category=category, body="<p>这是送审的正文。</p>")

    writer_page = new_context().new_page()
    log_in(writer_page, "writer")
    writer_page.goto(f"/admin/news/article/{article.pk}/change/")
    expect(writer_page.locator(".field-review_state")).to_contain_text("未送审")
    screenshot(writer_page, "workflow-article-form-1280")
    writer_page.get_by_role("link", name="审核页面（预览、修改对比、送审、审核）").click()
    writer_page.get_by_role("button", name="送审").click()
    expect(writer_page.locator(".messagelist .success")).to_contain_text("已送审")
    expect(writer_page.locator(".review-state")).to_contain_text("待审（第 1 步：签发）")

    reviewer_page = new_context().new_page()
    log_in(reviewer_page, "leader")
    expect(reviewer_page.locator(".workflow-pending")).to_contain_text("待我审核（1）")
    screenshot(reviewer_page, "workflow-admin-index-1280")
    reviewer_page.locator(".workflow-pending").get_by_role("link", name="审核中的新闻").click()
    expect(reviewer_page.get_by_role("link", name="预览（与网站上显示的一样）")).to_be_visible()
    screenshot(reviewer_page, "workflow-review-item-1280")
    reviewer_page.set_viewport_size({"width": 390, "height": 844})
    screenshot(reviewer_page, "workflow-review-item-390")
    reviewer_page.set_viewport_size({"width": 1280, "height": 900})
    reviewer_page.fill("#review-comment", "同意发布")
    reviewer_page.get_by_role("button", name="通过").click()
    expect(reviewer_page.locator(".messagelist .success")).to_contain_text("已通过")
    expect(reviewer_page.locator(".review-state")).to_contain_text("已发布")

    reviewer_page.locator("#content-main").get_by_role("link", name="信息发布审核单").click()
    expect(reviewer_page.locator(".review-sheet")).to_contain_text("同意发布")
    expect(reviewer_page.locator(".review-sheet")).to_contain_text(leader.username)
    screenshot(reviewer_page, "workflow-review-sheet-1280")

    visitor = new_context().new_page()
    visitor.goto(article.get_absolute_url())
    expect(visitor.locator("h1")).to_have_text("审核中的新闻")


def test_axe_finds_no_violation_in_the_review_pages(new_context):
    """The workflow's own part of its admin pages (Django's admin around it is Django's)."""
    from tests.e2e.test_a11y_e2e import AXE_SCRIPT
    from workflow import services
    from workflow.models import Expression

    category = Category.objects.create(name="园区快讯", slug="park-express")
    flow = Workflow.objects.create(name="一审", enabled=True)
    flow.steps.create(order=1, name="签发", group=Group.objects.get_or_create(name="分管领导")[0])
    CategoryAssignment.objects.create(workflow=flow, category=category)
    writer = staff("writer", "view_article", "change_article", "add_article", "view_review")
    staff("leader", "view_article", "change_article", "view_review", "view_expression", group="分管领导")
    Expression.objects.create(term="开发区协会", kind=Expression.Kind.STANDARD, suggestion="湖南省开发区协会")
    article = Article.objects.create(
        title="审核中的新闻", category=category, body="<p>旧文。</p>", status="published", published_at=None
    )
    article.status, article.body = "draft", "<p>开发区协会的新文。</p>"
    article.save()
    review = services.submit(article, writer)

    context = new_context(bypass_csp=True)
    context.add_init_script(script=AXE_SCRIPT.read_text())
    page = context.new_page()
    log_in(page, "leader")
    problems = []
    for url in (
        f"/admin/workflow/review/item/{review.content_type_id}/{article.pk}/",
        f"/admin/workflow/review/{review.pk}/sheet/",
        "/admin/workflow/expression/check/?run=1",
        "/admin/",
    ):
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            results = page.evaluate(
                "axe.run('#content-main, .workflow-pending', {resultTypes: ['violations']})"
                ".then(r => ({violations: r.violations, passes: r.passes.length}))"
            )
            assert results["passes"] > 0, f"{url}: axe did not run"
            problems += [
                f"{width}px {url}: {v['id']} {[n['target'] for n in v['nodes']][:3]}" for v in results["violations"]
            ]
    assert not problems, problems
