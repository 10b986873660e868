from django.utils.functional import SimpleLazyObject

from .models import SiteSettings


def site(request):
    """The site settings record for the header and footer, read when a template first uses it."""
    return {"site": SimpleLazyObject(SiteSettings.load)}
