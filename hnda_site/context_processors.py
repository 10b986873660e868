from .models import SiteSettings


def site(request):
    """The site settings record, for the header and footer of every page."""
    return {"site": SiteSettings.load()}
