"""内容检查: what needs staff attention, shown on the admin index (a fixed number of queries).

Government-site inspections count stale and empty 栏目 and broken links; staff also want to
see drafts left lying, what is scheduled, members with gaps and documents without 生效日期.
"""

from datetime import timedelta

from django.utils import timezone

from association.models import Document
from members.models import Member
from news.models import Article, Category

from .models import LinkCheck

# A draft nobody has saved for this long is listed.
DRAFT_AFTER_DAYS = 7


def content_checks(user):
    """The dashboard's sections, each only for staff who may change what it lists."""
    now = timezone.now()
    checks = {"draft_after_days": DRAFT_AFTER_DAYS}
    if user.has_perm("news.change_article"):
        categories = list(Category.objects.with_latest_public())
        checks["stale_categories"] = [category for category in categories if category.is_stale]
        checks["empty_categories"] = [category for category in categories if category.latest_public_at is None]
        checks["old_drafts"] = list(
            Article.objects.drafts_untouched_since(now - timedelta(days=DRAFT_AFTER_DAYS))
            .only("id", "title", "updated_at")
            .order_by("updated_at")
        )
        checks["scheduled"] = list(
            Article.objects.scheduled().only("id", "title", "published_at").order_by("published_at")
        )
    if user.has_perm("members.change_member"):
        checks["incomplete_members"] = list(
            Member.objects.incomplete().only("id", "name", "logo", "website", "introduction").order_by("name")
        )
    if user.has_perm("association.change_documentversion"):
        checks["undated_documents"] = list(Document.objects.current_without_effective_date())
    run = LinkCheck.objects.first()
    checks["link_check"] = run
    checks["broken_links"] = list(run.broken_links.all()) if run else []
    return checks
