from django import template

from editorial.dashboard import content_checks

register = template.Library()


@register.inclusion_tag("admin/content_checks.html", takes_context=True)
def content_check_dashboard(context):
    """The 内容检查 panel of the admin index (see editorial.dashboard)."""
    request = context["request"]
    return {"checks": content_checks(request.user), "csrf_token": context.get("csrf_token")}
