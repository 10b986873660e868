"""协会文件: what changed between two versions."""

import pytest

from association import outline, versiondiff

from .helpers import CHARTER_V1

# --- Diff ----------------------------------------------------------------------------------------------


def kinds(comparison):
    return [p.kind for p in comparison.paragraphs]


def marked(paragraph):
    return "".join({"insert": "[+{}]", "delete": "[-{}]"}.get(s.kind, "{}").format(s.text) for s in paragraph.segments)


def test_identical_versions_have_no_changes():
    comparison = versiondiff.compare(CHARTER_V1, CHARTER_V1)
    assert not comparison.has_changes
    assert comparison.summary == ""


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<p>注册资金，会址（长沙）：</p>", "<p>注册资金,会址(长沙):</p>"),
        ("<p>注册资金为１２万元</p>", "<p>注册资金为12万元</p>"),
        ("<p>注册资金为 12万元</p>", "<p>注册资金为12 万元</p>"),
        ("<p>注册资金为\u300012万元</p>", "<p>注册资金为&nbsp;12万元</p>"),
        ("<p>注册资金为12万元。<br>会址设长沙。</p>", "<p>注册资金为12万元。\n会址设长沙。</p>"),
        ("<p>注册资金为<strong>12万元</strong></p>", '<p class="text-align-center">注册资金为12万元</p>'),
        # An article split off into its own paragraph is only a layout change.
        ("<p>第六条 甲。 第七条 乙。</p>", "<p>第六条 甲。</p><p>第七条 乙。</p>"),
    ],
)
def test_formatting_only_differences_are_not_amendments(old, new):
    comparison = versiondiff.compare(old, new)
    assert not comparison.has_changes, [(p.kind, p.old, p.new) for p in comparison.paragraphs]


def test_paragraphs_added_removed_and_changed_are_told_apart():
    old = "<p>协会宗旨不变。</p><p>本协会的注册资金为12万元人民币。</p><p>这一段将被删除，内容完全不同。</p>"
    new = "<p>协会宗旨不变。</p><p>本协会的注册资金为50万元人民币。</p><p>新增的一段关于会员大会的规定。</p>"
    comparison = versiondiff.compare(old, new)
    assert kinds(comparison) == ["unchanged", "changed", "removed", "added"]
    assert comparison.counts == {"changed": 1, "added": 1, "removed": 1}


def test_changed_characters_are_marked_inside_a_chinese_paragraph():
    old = "<p>协会会址设湖南省长沙市五一大道492号粮贸大厦14楼。</p>"
    new = "<p>协会会址设湖南省长沙市芙蓉区五一大道492号粮贸大厦15楼。</p>"
    (paragraph,) = versiondiff.compare(old, new).paragraphs
    assert paragraph.kind == "changed"
    assert marked(paragraph) == "协会会址设湖南省长沙市[+芙蓉区]五一大道492号粮贸大厦1[-4][+5]楼。"


def test_character_marks_show_the_versions_own_punctuation():
    """A change next to a full-width comma shows the new text as written, not normalized."""
    segments = versiondiff.char_diff("会员单位,共130余家", "会员单位，共150余家")
    assert "".join(s.text for s in segments if s.kind != "delete") == "会员单位，共150余家"
    assert [(s.kind, s.text) for s in segments if s.kind != "equal"] == [("delete", "3"), ("insert", "5")]


def test_summary_names_modified_added_and_removed_articles():
    old = "<p>第五条 注册资金为12万元。</p><p>第六条 宗旨。</p><p>第九条 旧的规定。</p>"
    new = "<p>第五条 注册资金为50万元。</p><p>第六条 宗旨。</p><p>第八条 新的规定。</p>"
    assert versiondiff.compare(old, new).summary == "修改了第五条；新增了第八条；删除了第九条"


def test_summary_counts_an_article_whose_item_changed_and_a_renamed_chapter():
    new = CHARTER_V1.replace("(一)组织开展", "(一)组织开展和参与").replace("业务范围</p>", "业务</p>")
    assert versiondiff.compare(CHARTER_V1, new).summary == "修改了第二章章名、第七条"


def test_summary_is_empty_for_documents_without_articles():
    comparison = versiondiff.compare("<p>(一)甲。</p>", "<p>(一)乙。</p><p>(二)丙。</p>")
    assert comparison.has_changes
    assert comparison.summary == ""


def test_long_unchanged_runs_fold_away_around_a_change():
    old = "".join(f"<p>第{outline.chinese_numeral(n)}条 内容{n}。</p>" for n in range(1, 11))
    new = old.replace("内容5。", "内容五。")
    items = versiondiff.compare(old, new).display()
    assert [(kind, len(paragraphs)) for kind, paragraphs in items] == [
        ("fold", 3),
        ("paragraph", 1),
        ("paragraph", 1),
        ("paragraph", 1),
        ("fold", 4),
    ]


def test_versions_in_which_an_article_changed():
    v1 = "<p>第一条 甲，乙。</p><p>第二条 乙。</p>"
    v2 = "<p>第一条 甲,乙。</p><p>第二条 乙乙。</p>"  # 第一条: only a half-width comma
    v3 = "<p>第一条 甲，乙。</p>"
    v4 = "<p>第一条 甲，乙。</p><p>第二条 丙。</p>"
    versions = [(1, v1), (2, v2), (3, v3), (4, v4)]
    assert versiondiff.article_changes(versions, 2) == [(1, "added"), (2, "changed"), (3, "removed"), (4, "added")]
    assert versiondiff.article_changes(versions, 1) == [(1, "added")]
    assert versiondiff.article_changes(versions, 9) == []
