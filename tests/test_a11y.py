"""适老化: the text-size and high-contrast toolbar without JavaScript, and the print/QR share box."""

import pytest
from django.urls import reverse

from hnda_site.preferences import ReadingPreferences


def html_tag(response):
    content = response.content.decode()
    return content[content.index("<html") : content.index(">", content.index("<html")) + 1]


@pytest.mark.django_db
def test_every_page_has_the_toolbar_with_links_back_to_itself(client, make_article):
    article = make_article()
    for url in ["/", "/news/", article.get_absolute_url(), "/members/", "/search/?q=x", "/no-such-page/"]:
        content = client.get(url).content.decode()
        assert 'aria-label="阅读辅助"' in content, url
        back = url.replace("?", "%3F").replace("=", "%3D")
        assert f'href="/preferences/?fontsize=large&amp;next={back}"' in content, url
        assert f'href="/preferences/?contrast=high&amp;next={back}"' in content, url


@pytest.mark.django_db
def test_choosing_large_text_sets_the_cookie_and_returns_to_the_page(client):
    response = client.get(reverse("reading_preferences"), {"fontsize": "large", "next": "/news/?page=2"})
    assert response.status_code == 302
    assert response["Location"] == "/news/?page=2"
    cookie = response.cookies["fontsize"]
    assert cookie.value == "large"
    assert cookie["max-age"] == 60 * 60 * 24 * 365
    assert cookie["samesite"] == "Lax"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_high_contrast_and_reset_set_and_clear_the_contrast_cookie(client):
    response = client.get("/preferences/", {"contrast": "high", "next": "/members/"})
    assert response.cookies["contrast"].value == "high"
    response = client.get("/preferences/", {"reset": "1", "next": "/members/"})
    assert response.cookies["contrast"].value == "" and response.cookies["contrast"]["max-age"] == 0
    assert response.cookies["fontsize"].value == "" and response.cookies["fontsize"]["max-age"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", "", "news"]
)
def test_return_address_must_be_a_path_on_this_site(client, next_url):
    response = client.get("/preferences/", {"fontsize": "small", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"fontsize": "huge"}, {"contrast": "pink"}])
def test_unknown_choices_are_a_chinese_400(client, query):
    response = client.get("/preferences/", query)
    assert response.status_code == 400
    assert "fontsize" not in response.cookies and "contrast" not in response.cookies


@pytest.mark.django_db
def test_chosen_size_and_contrast_are_rendered_on_html_and_marked_in_the_toolbar(client):
    client.cookies["fontsize"] = "large"
    client.cookies["contrast"] = "high"
    response = client.get("/news/")
    assert html_tag(response) == '<html lang="zh-CN" class="a11y-text-large a11y-contrast-high">'
    content = response.content.decode()
    assert 'data-a11y-fontsize="large" aria-current="true"' in content
    assert 'data-a11y-contrast="high" aria-current="true"' in content
    assert "data-a11y-reset aria-current" not in content


@pytest.mark.django_db
def test_default_and_forged_cookies_render_the_plain_page(client):
    assert html_tag(client.get("/news/")) == '<html lang="zh-CN">'
    client.cookies["fontsize"] = "medium"
    assert html_tag(client.get("/news/")) == '<html lang="zh-CN">'
    client.cookies["fontsize"] = '"><script>'
    client.cookies["contrast"] = "yes"
    assert html_tag(client.get("/news/")) == '<html lang="zh-CN">'


def test_preferences_read_only_known_values():
    assert ReadingPreferences.from_cookies({"fontsize": "small"}).html_class == "a11y-text-small"
    assert ReadingPreferences.from_cookies({"fontsize": "LARGE", "contrast": "High"}).is_default


@pytest.mark.django_db
def test_articles_and_documents_have_a_print_button_and_a_qr_code_of_their_address(client, make_article):
    from association.models import Document, DocumentVersion

    article = make_article()
    document = Document.objects.create(slug="intro", title="协会简介")
    DocumentVersion.objects.create(document=document, body="<p>简介</p>", status=DocumentVersion.Status.PUBLISHED)
    for url in [article.get_absolute_url(), "/about/intro/"]:
        content = client.get(url).content.decode()
        assert '<button type="button" class="share-box__print" data-print hidden>打印本页</button>' in content
        image = f'<img class="qr-code" src="/qr.svg?page={url}" alt="本页网址的二维码"'
        assert image in content and 'width="123" height="123" loading="lazy">' in content
        assert f"<p>本页网址：http://testserver{url}</p>" in content  # the print-only footer
        code = client.get(f"/qr.svg?page={url}")
        assert code.status_code == 200 and code["Content-Type"] == "image/svg+xml"
        assert code.content == qr_image_of(f"http://testserver{url}")
    assert "share-box" not in client.get("/news/").content.decode()


def qr_image_of(url):
    import io

    import segno

    from seo.qrcodes import MASK

    out = io.BytesIO()
    segno.make(url, error="m", mask=MASK).save(
        out, kind="svg", scale=3, dark="#000", light="#fff", omitsize=True, xmldecl=False, svgclass=None, lineclass=None
    )
    return out.getvalue()


@pytest.mark.django_db
def test_the_qr_code_image_draws_only_the_address_of_a_page_with_a_share_box(client, make_article):
    """Any other path, an address elsewhere, a path of the other language, a path too long: 404, never a code."""
    article = make_article(title_en="Signing", body_en="<p>Signed.</p>")
    english = f"/en/news/{article.pk}/"
    assert f'src="/en/qr.svg?page={english}"' in client.get(english).content.decode()
    code = client.get(f"/en/qr.svg?page={english}")
    assert code.status_code == 200 and code.content == qr_image_of(f"http://testserver{english}")
    assert client.head(f"/qr.svg?page=/news/{article.pk}/").status_code == 200
    assert client.post(f"/qr.svg?page=/news/{article.pk}/").status_code == 405
    for bad in [
        "/qr.svg",
        "/qr.svg?page=",
        "/qr.svg?page=/news/",
        "/qr.svg?page=/admin/",
        "/qr.svg?page=https://evil.example/news/1/",
        "/qr.svg?page=//evil.example/news/1/",
        f"/qr.svg?page={english}",
        f"/en/qr.svg?page=/news/{article.pk}/",
        "/qr.svg?page=/news/1/" + "x" * 300,
    ]:
        response = client.get(bad)
        assert response.status_code == 404, bad
        assert response["Content-Type"].startswith("text/html"), bad
    assert client.get("/qr.svg?page=/news/%00/").status_code == 400


def test_qr_code_encodes_the_address_it_is_given():
    import segno

    from seo.qrcodes import MASK, qr_svg

    url = "https://www.example.org/news/1/"
    assert qr_svg(url) == qr_svg(url)
    expected = segno.make(url, error="m", mask=MASK).svg_inline(
        scale=3, dark="#000", light="#fff", svgclass="qr-code", lineclass=None
    )
    assert qr_svg(url).split(">", 1)[1] == expected.split(">", 1)[1]
    assert "style=" not in qr_svg(url)  # nothing for the Content-Security-Policy to block
