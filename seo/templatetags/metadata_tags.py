"""Tags for a page's metadata: absolute addresses, Open Graph image, JSON-LD, QR code."""

from django import template
from django.utils.translation import gettext as _

from seo import structured_data
from seo.qrcodes import IMAGE_SIZE, qr_svg

register = template.Library()


@register.filter
def absolute(url):
    """A path (or an already absolute URL) as an absolute URL on settings.SITE_URL."""
    return structured_data.absolute_url(url)


@register.simple_tag(takes_context=True)
def share_image(context, image=None):
    """The absolute og:image address: ``image`` if it has a file, else the site's default."""
    return structured_data.share_image_url(image, context.get("site"))


@register.simple_tag(takes_context=True)
def site_description(context):
    """The page's ``page_description`` (from its view), else the description of the whole site."""
    if context.get("page_description"):
        return context["page_description"]
    site = context.get("site")
    name = site.local_name if site else _("湖南省开发区协会")
    return _("%(name)s：园区快讯、协会简介、协会章程与会员单位。") % {"name": name}


@register.simple_tag(takes_context=True)
def news_list_description(context, category=None):
    """The news list's or a 栏目's own description: the same sentence as its feed's."""
    site = context.get("site")
    name = site.local_name if site else _("湖南省开发区协会")
    if category:
        return _("%(site)s「%(category)s」栏目的最新文章") % {"site": name, "category": category.local_name}
    return _("%(site)s各栏目的最新文章") % {"site": name}


@register.simple_tag(takes_context=True)
def organization_json_ld(context):
    return structured_data.script(structured_data.organization(context["site"]))


@register.simple_tag(takes_context=True)
def news_article_json_ld(context, article):
    data = structured_data.news_article(article, context["site"], context["canonical_url"])
    return structured_data.script(data)


@register.simple_tag
def qr_code(url, label=None):
    return qr_svg(url, label or _("本页二维码"))


@register.simple_tag
def qr_image_size():
    """The width and height of a page's QR code image (partials/share_box.html)."""
    return IMAGE_SIZE


class BreadcrumbTrailNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        html = self.nodelist.render(context)
        crumbs = structured_data.crumbs_from_html(html)
        if len(crumbs) < 2 or "canonical_url" not in context:
            return html
        data = structured_data.breadcrumb_list(crumbs, context["canonical_url"])
        return html + structured_data.script(data)


@register.tag
def breadcrumb_trail(parser, token):
    """``{% breadcrumb_trail %}<nav>…<li>…</li>…</nav>{% endbreadcrumb_trail %}``: the trail as
    written, followed by the same trail as a schema.org BreadcrumbList, so the two never differ.
    """
    nodelist = parser.parse(("endbreadcrumb_trail",))
    parser.delete_first_token()
    return BreadcrumbTrailNode(nodelist)
