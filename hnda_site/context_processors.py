from django.utils.functional import SimpleLazyObject

from . import pagecache
from .models import SiteSettings


def site(request):
    """The site settings record for the header and footer, read when a template first uses it.

    Kept per process until content changes (the page cache's stamp), not read per request.
    """
    return {"site": SimpleLazyObject(lambda: pagecache.memoize("site-settings", SiteSettings.load))}
