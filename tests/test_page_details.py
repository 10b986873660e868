"""Details a visitor notices (issue 26, item 10): one 友情链接 list on the home page, no admin link in the
public footer, the welcome heading never breaks inside the association's name."""

import pytest

from hnda_site.models import FriendlyLink, SiteSettings
from hnda_site.templatetags.site_tags import keep_together

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_the_friendly_links_once_other_pages_in_the_footer(client, db):
    FriendlyLink.objects.create(name="湖南省商务厅", url="https://swt.hunan.gov.cn/")
    home = client.get("/").content.decode()
    assert home.count("湖南省商务厅") == 1
    assert client.get("/contact/").content.decode().count("湖南省商务厅") == 1  # in the footer


def test_the_public_footer_does_not_link_to_the_admin(client, db):
    for url in ("/", "/en/", "/contact/"):
        assert 'href="/admin/"' not in client.get(url).content.decode()


def test_the_welcome_heading_keeps_the_association_name_on_one_line(client, seeded):
    site = SiteSettings.load()
    assert site.name in site.welcome
    assert f'<span class="keep-together">{site.name}</span>' in client.get("/").content.decode()


def test_keep_together_escapes():
    assert keep_together("<b>欢迎</b>协会", "协会") == '&lt;b&gt;欢迎&lt;/b&gt;<span class="keep-together">协会</span>'
    assert keep_together("欢迎", "") == "欢迎"
