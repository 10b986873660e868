"""The 表单与留言 panel of the admin index: what waits for staff, and how fast messages are answered."""

from datetime import timedelta

from django import template
from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from webforms.models import Enquiry, MembershipApplication

register = template.Library()

# The time to first reply is measured over the messages of this many days.
REPLY_WINDOW_DAYS = 90


@register.inclusion_tag("admin/webforms/dashboard.html", takes_context=True)
def forms_dashboard(context):
    user = context["request"].user
    panel = {}
    if user.has_perm("webforms.change_membershipapplication"):
        panel["pending_applications"] = MembershipApplication.objects.filter(status="pending").count()
    if user.has_perm("webforms.change_enquiry"):
        since = timezone.now() - timedelta(days=REPLY_WINDOW_DAYS)
        answered = Q(replied_at__isnull=False, submitted_at__gte=since)
        stats = Enquiry.objects.aggregate(
            waiting=Count("pk", filter=Q(status=Enquiry.Status.NEW)),
            replied=Count("pk", filter=answered),
            average=Avg(F("replied_at") - F("submitted_at"), filter=answered),
        )
        panel.update(waiting_enquiries=stats["waiting"], replied=stats["replied"])
        if stats["average"] is not None:
            hours = stats["average"].total_seconds() / 3600
            panel["average_reply"] = f"{hours:.1f} 小时" if hours < 48 else f"{hours / 24:.1f} 天"
        panel["reply_window_days"] = REPLY_WINDOW_DAYS
    return {"panel": panel}
