from django.utils.functional import SimpleLazyObject

from .models import FriendlyLink, SiteSettings


def site(request):
    """The site settings record and the 友情链接 (footer, home page), each read when a template first uses it."""
    return {
        "site": SimpleLazyObject(SiteSettings.load),
        "link_groups": SimpleLazyObject(FriendlyLink.objects.grouped),
    }
