"""协会文件: the outline (Chinese numerals, headings and anchors)."""

import pytest

from association import outline
from richtext.text import html_to_text

from .helpers import CHARTER_V1

# --- Outline: Chinese numerals -------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十一", 21),
        ("九十九", 99),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("一百十", 110),
        ("两百", 200),
        ("一千零一", 1001),
        ("〇", 0),
        ("零", 0),
        ("一〇五", 105),
        ("12", 12),
        ("１２", 12),
    ],
)
def test_chinese_numerals_of_any_size_are_read(written, number):
    assert outline.parse_numeral(written) == number


@pytest.mark.parametrize("written", ["", "第五", "十x", "abc", "五 六"])
def test_text_that_is_not_a_numeral_reads_as_none(written):
    assert outline.parse_numeral(written) is None


def test_numbers_are_written_back_the_usual_chinese_way():
    """Labels in summaries (第十条, 第一百零五条) read like the charter's own."""
    assert [outline.chinese_numeral(n) for n in (1, 10, 11, 21, 105, 110, 1001)] == [
        "一",
        "十",
        "十一",
        "二十一",
        "一百零五",
        "一百一十",
        "一千零一",
    ]
    assert all(outline.parse_numeral(outline.chinese_numeral(n)) == n for n in range(1, 1200))


# --- Outline: headings and anchors -------------------------------------------------------------


def test_chapters_and_articles_get_anchors_from_their_numbers():
    built = outline.build(CHARTER_V1)
    assert [(h.kind, h.number, h.label, h.anchor) for h in built.headings] == [
        ("zhang", 1, "第一章", "zhang-1"),
        ("tiao", 1, "第一条", "tiao-1"),
        ("tiao", 5, "第五条", "tiao-5"),
        ("zhang", 2, "第二章", "zhang-2"),
        ("tiao", 6, "第六条", "tiao-6"),
        ("tiao", 7, "第七条", "tiao-7"),
    ]
    assert built.headings[0].title == "总则"
    assert built.headings[3].title == "协会宗旨和业务范围"
    assert '<p id="zhang-1" class="outline-chapter">第一章 &nbsp;总则</p>' in built.html
    assert (
        '<p id="tiao-5" class="outline-article"><span class="clause-label">第五条</span>'
        '<a class="clause-link" href="#tiao-5"' in built.html
    )


def test_large_article_numbers_are_understood():
    body = "<p>第十条 甲。</p><p>第二十一条 乙。</p><p>第一百零五条 丙。</p><p>第5条 丁。</p>"
    assert [h.anchor for h in outline.build(body).headings] == ["tiao-10", "tiao-21", "tiao-105", "tiao-5"]


def test_article_starting_mid_paragraph_gets_a_paragraph_of_its_own():
    """The seed has 第七条 inside 第六条's paragraph; rendered, it starts a paragraph with its anchor."""
    built = outline.build(CHARTER_V1)
    assert (
        '<p id="tiao-6" class="outline-article"><span class="clause-label">第六条</span><a class="clause-link"'
        ' href="#tiao-6" title="本条的链接，可复制分享" aria-label="第六条的链接">¶</a>'
        " &nbsp;本协会宗旨是:全心全意为会员做好各项协调服务。</p>"
        '<p id="tiao-7" class="outline-article"><span class="clause-label">第七条</span><a' in built.html
    )
    # The stored text is untouched: the text of the rendering is the same, plus the ¶ links.
    assert html_to_text(built.html).replace("¶", "").split() == html_to_text(CHARTER_V1).split()


def test_splitting_inside_bold_text_closes_and_reopens_the_tag():
    body = '<p class="text-align-center"><strong>甲。 第二条 乙</strong>丙</p>'
    html = outline.build("<p>第一条 起。</p>" + body).html
    assert (
        '<p class="text-align-center"><strong>甲。 </strong></p>'
        '<p id="tiao-2" class="outline-article text-align-center"><strong><span class="clause-label">第二条</span>'
        '<a class="clause-link"' in html
    )
    assert html.endswith("¶</a> 乙</strong>丙</p>")


@pytest.mark.parametrize(
    "body",
    [
        "<p>第一条 总体。</p><p>依照本章程第七条 规定办理。</p>",  # a reference, not after a sentence end
        "<p>第一条 总体。按前款办理。 第九条 规定的除外。</p>",  # inline but out of sequence
        "<p>第一条 总体。 第二条规定的事项。</p>",  # inline without the space after the label
    ],
)
def test_references_to_articles_inside_sentences_are_not_headings(body):
    assert [h.anchor for h in outline.build(body).headings] == ["tiao-1"]


def test_document_without_chapter_or_article_headings_has_no_outline():
    body = "<p>(一)组织开展开发区建设与发展调研。</p><p>(二)组织会员开展学习交流活动。</p>"
    built = outline.build(body)
    assert not built
    assert built.html == body


def test_a_label_interrupted_by_markup_is_left_as_written():
    html = outline.build("<p><strong>第三</strong>条 丁。</p>").html
    assert html == (
        '<p id="tiao-3" class="outline-article"><strong>第三</strong>条<a class="clause-link" href="#tiao-3"'
        ' title="本条的链接，可复制分享" aria-label="第三条的链接">¶</a> 丁。</p>'
    )


def test_only_articles_get_a_copyable_link():
    html = outline.build(CHARTER_V1).html
    assert html.count('class="clause-link"') == 4
    assert 'href="#zhang-1"' not in html


def test_the_same_number_twice_keeps_anchors_unique():
    anchors = [h.anchor for h in outline.build("<p>第三条 甲。</p><p>第三条 乙。</p>").headings]
    assert anchors == ["tiao-3", "tiao-3-2"]


def test_table_of_contents_groups_articles_under_their_chapters():
    toc = outline.build(CHARTER_V1).toc
    assert [(entry.label, [a.label for a in entry.articles]) for entry in toc] == [
        ("第一章", ["第一条", "第五条"]),
        ("第二章", ["第六条", "第七条"]),
    ]


def test_paragraphs_are_assigned_to_their_article():
    sections = outline.sections(CHARTER_V1)
    assert sections[("tiao", 7)] == ["第七条 协会的业务范围是:具体为:", "(一)组织开展开发区建设与发展调研。"]
    assert sections[("tiao", 6)] == ["第六条 本协会宗旨是:全心全意为会员做好各项协调服务。"]
