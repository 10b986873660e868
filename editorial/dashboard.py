"""内容检查: what needs staff attention, shown on the admin index (a fixed number of queries).

Government-site inspections count stale and empty 栏目 and broken links; staff also want to
see drafts left lying, what is scheduled, members with gaps and documents without 生效日期.
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from association.models import Document
from members.models import Member
from news.models import Article, Category

from .models import LinkCheck

# A draft nobody has saved for this long is listed.
DRAFT_AFTER_DAYS = 7
INCOMPLETE_SHOWN = 10  # members named on the dashboard; the rest behind the link to the filtered list


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
        # Counts, the first few, and a link to the whole filtered list: the real list runs to about 130.
        incomplete = Member.objects.incomplete()
        checks["incomplete_members"] = list(
            incomplete.only("id", "name", "logo", "website", "introduction").order_by("name")[:INCOMPLETE_SHOWN]
        )
        checks["incomplete_counts"] = incomplete.aggregate(
            total=Count("pk"),
            logo=Count("pk", filter=Q(logo="")),
            website=Count("pk", filter=Q(website="")),
            introduction=Count("pk", filter=Q(introduction="")),
        )
    if user.has_perm("association.change_documentversion"):
        checks["undated_documents"] = list(Document.objects.current_without_effective_date())
    run = LinkCheck.objects.first()
    checks["link_check"] = run
    checks["broken_links"] = list(run.broken_links.all()) if run else []
    return checks
