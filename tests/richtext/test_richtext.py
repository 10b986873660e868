"""Sanitizing rich text: nothing executable from the editor (or a forged POST) reaches a page."""

import pytest

from richtext.text import html_to_text, sanitize_html, summarize

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<p onclick="alert(1)">点击</p>',
    '<a href="javascript:alert(1)">链接</a>',
    '<a href="JaVaScRiPt:alert(1)">链接</a>',
    '<a href="jav&#x09;ascript:alert(1)">链接</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">链接</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"><circle/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<div style="background:url(javascript:alert(1))">样式</div>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example"><input name="x"><button>提交</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    '<p style="color:red" class="evil">文字</p>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<table background="javascript:alert(1)"><tr><td>1</td></tr></table>',
]

FORBIDDEN = ["<script", "onerror", "onclick", "onload", "javascript:", "data:", "<iframe", "<svg", "<style",
             "style=", "<object", "<embed", "<form", "<input", "<meta", "<base", "<link", "evil"]  # fmt: skip


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vectors_are_neutralised(vector):
    cleaned = sanitize_html(vector).lower()
    for needle in FORBIDDEN:
        assert needle not in cleaned, f"{needle!r} survived in {cleaned!r}"


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>段落</p>", "<p>段落</p>"),
        ("<p><strong>粗</strong><em>斜</em><u>下划线</u></p>", "<p><strong>粗</strong><em>斜</em><u>下划线</u></p>"),
        ("<ul><li>一</li><li>二</li></ul>", "<ul><li>一</li><li>二</li></ul>"),
        ("<h2>小标题</h2>", "<h2>小标题</h2>"),
        ("<h1>大标题</h1>", "<h2>大标题</h2>"),
        ('<p class="text-align-center">居中</p>', '<p class="text-align-center">居中</p>'),
        (
            '<figure class="image image-style-align-left"><img src="/media/uploads/a.png" alt="图"></figure>',
            '<figure class="image image-style-align-left"><img src="/media/uploads/a.png" alt="图"></figure>',
        ),
        (
            '<a href="https://www.hunan.gov.cn" target="_blank">省政府</a>',
            '<a href="https://www.hunan.gov.cn" target="_blank" rel="noopener noreferrer">省政府</a>',
        ),
        (
            '<figure class="table"><table><tbody><tr><td colspan="2">格</td></tr></tbody></table></figure>',
            '<figure class="table"><table><tbody><tr><td colspan="2">格</td></tr></tbody></table></figure>',
        ),
    ],
)
def test_editor_formatting_is_kept(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_word_paste_keeps_paragraphs_and_lists_drops_office_markup():
    word = (
        '<p class="MsoNormal" style="text-indent:2em"><span style="font-family:宋体">第一段</span>'
        "<o:p></o:p></p><p class=MsoListParagraph>第二段</p><ol><li>条目</li></ol>"
    )
    assert sanitize_html(word) == "<p><span>第一段</span></p><p>第二段</p><ol><li>条目</li></ol>"


def test_empty_input():
    assert sanitize_html("") == ""
    assert sanitize_html(None) == ""


def test_html_to_text_one_line_per_block():
    assert html_to_text("<p>第一段</p><p>第二&amp;段<br>换行</p><ul><li>甲</li></ul>") == "第一段\n第二&段\n换行\n甲"


def test_summarize_cuts_with_ellipsis():
    assert summarize("<p>" + "字" * 200 + "</p>", length=10) == "字" * 9 + "…"
    assert summarize("<p>短</p>") == "短"


def test_script_and_style_are_dropped_with_their_content():
    dirty = "<p>前</p><script>alert('脚本')</script><style>p{color:red}</style><p>后</p>"
    assert sanitize_html(dirty) == "<p>前</p><p>后</p>"


@pytest.mark.parametrize("tag", ["style", "STYLE", "script"])
def test_unclosed_style_or_script_does_not_swallow_the_rest(tag):
    dirty = f"<p>第一段</p><{tag}>p{{color:red}}<p>第二段</p><p>第三段</p>"
    assert sanitize_html(dirty) == "<p>第一段</p><p>第二段</p><p>第三段</p>"


def test_closed_script_with_a_less_than_sign_is_dropped_whole():
    assert sanitize_html("<p>甲</p><script>if (a<b) { leak(); }</script><p>乙</p>") == "<p>甲</p><p>乙</p>"


def test_automatic_summary_never_contains_script_or_style_text(category):
    from news.models import Article

    article = Article.objects.create(
        title="摘要", category=category, body="<p>开头</p><script>alert('秘密')</script><style>.x{}</style><p>结尾</p>"
    )
    assert article.summary == "开头 结尾"
