from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from association.sitemaps import DocumentHistorySitemap, DocumentSitemap, OldVersionSitemap
from attachments.views import DownloadCenterView
from members.sitemaps import MemberSitemap
from news.sitemaps import ArticleSitemap, CategorySitemap
from pagecache import cache as pagecache
from richtext.views import editor_upload
from search.views import SearchView
from security import twofactor
from seo.sitemaps import SITEMAP_TEMPLATE, StaticSitemap, sitemap_or_index
from seo.views import page_qr

from . import views

handler500 = "hnda_site.views.server_error"

admin.site.site_header = "湖南省开发区协会 网站管理"
admin.site.site_title = "湖南省开发区协会 网站管理"

# The admin index lists the content first, then the records and the security sections (in name order
# 两步验证 came first, above the content).
ADMIN_APP_ORDER = ["news", "association", "members", "hnda_site", "audit", "axes", "otp_totp", "auth"]
_app_list_by_name = admin.site.get_app_list


def _content_first(request, app_label=None):
    rank = {label: position for position, label in enumerate(ADMIN_APP_ORDER)}
    apps = _app_list_by_name(request, app_label)
    return sorted(apps, key=lambda app: rank.get(app["app_label"], len(rank)))


admin.site.get_app_list = _content_first
admin.site.index_title = "网站管理"

sitemaps = {
    "static": StaticSitemap,
    "categories": CategorySitemap,
    "articles": ArticleSitemap,
    "members": MemberSitemap,
    "about": DocumentSitemap,
    "about-history": DocumentHistorySitemap,
    "about-versions": OldVersionSitemap,
}

# The public pages: Chinese at their own addresses (no prefix, no redirect), English under /en/.
urlpatterns = i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("search/", SearchView.as_view(), name="search"),
    path("qr.svg", page_qr, name="page_qr"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("news/", include("news.urls")),
    path("about/", include("association.urls")),
    path("members/", include("members.urls")),
    path("downloads/", DownloadCenterView.as_view(), name="downloads"),
    path("member-area/", include("memberarea.urls")),
    path("", include("webforms.urls")),
    prefix_default_language=False,
)

urlpatterns += [
    path("preferences/", views.set_reading_preferences, name="reading_preferences"),
    # Before admin.site.urls, which would take every path under admin/.
    path("admin/2fa/", twofactor.VerifyView.as_view(), name="two_factor_verify"),
    path("admin/2fa/setup/", twofactor.SetupView.as_view(), name="two_factor_setup"),
    path("admin/image-library/", include("imagelibrary.urls")),
    path("admin/", admin.site.urls),
    path("", include("attachments.urls")),
    # Our upload view in place of django-ckeditor-5's, under its URL name (the editor's widget reverses it).
    path("ckeditor5/image_upload/", editor_upload, name="ck_editor_5_upload_file"),
    path("sitemap.xml", pagecache.reads_query("p")(sitemap_or_index), {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        pagecache.reads_query("p")(sitemap),
        {"sitemaps": sitemaps, "template_name": SITEMAP_TEMPLATE},
        name="sitemap-section",
    ),
    path("favicon.ico", views.favicon),
    path("healthz", views.health, name="health"),
    path("captcha/", include("captcha.urls")),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
]

if settings.SERVE_MEDIA:
    # Local use only: in production the reverse proxy serves MEDIA_ROOT.
    # Never private/ (uploads of forms), which the web server does not serve either.
    urlpatterns += [re_path(r"^media/(?P<path>(?!private/).*)$", serve, {"document_root": settings.MEDIA_ROOT})]
