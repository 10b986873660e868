from django import template

from ..models import Review, Step

register = template.Library()

# Items listed on the admin index; the count says how many more there are.
PANEL_LIMIT = 10


@register.inclusion_tag("workflow/pending_panel.html", takes_context=True)
def pending_reviews(context):
    """待我审核 on the admin index: what waits for the user's groups, and what was returned to them.

    Staff who neither review nor read 审核单 see nothing. At most five queries whatever the number
    of reviews (the user's groups are a subquery)."""
    user = context["request"].user
    if not (user.has_perm("workflow.view_review") or user.groups.filter(pk__in=_step_groups()).exists()):
        return {"hidden": True}
    waiting = Review.objects.waiting_for(user).select_related("current_step").order_by("submitted_at", "id")
    returned = Review.objects.filter(status=Review.Status.RETURNED, writer=user).order_by("-submitted_at")
    return {
        "waiting": list(waiting[:PANEL_LIMIT]),
        "waiting_count": waiting.count(),
        "returned": list(returned[:PANEL_LIMIT]),
        "returned_count": returned.count(),
        "can_check": user.has_perm("workflow.view_expression"),
    }


def _step_groups():
    return Step.objects.values("group_id")
