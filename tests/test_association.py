"""协会 pages as versioned documents: the outline, the diff, the version rules, pages, admin and seed."""

import re
import threading
from datetime import date, timedelta
from html import unescape

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from association import outline, versiondiff
from association.models import Document, DocumentVersion, PublishedVersionError
from association.seed import load as load_association_seed
from hnda_site.richtext import html_to_text

CHARTER_V1 = (
    "<p>第一章 &nbsp;总则</p>"
    "<p>第一条 &nbsp;为规范内部管理,特制定本章程。</p>"
    "<p>第五条 &nbsp;本协会的注册资金为 12万元人民币。</p>"
    "<p>第二章 &nbsp; 协会宗旨和业务范围</p>"
    "<p>第六条 &nbsp;本协会宗旨是:全心全意为会员做好各项协调服务。 第七条 &nbsp;协会的业务范围是:具体为:</p>"
    "<p>(一)组织开展开发区建设与发展调研。</p>"
)


def paragraph_texts(body):
    """The text of each <p> exactly as stored (entities decoded, non-breaking spaces kept)."""
    return [unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(r"<p>(.*?)</p>", body)]


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


# --- Models: numbering, current version, in force on a date ---------------------------------------


@pytest.fixture
def charter(db):
    return Document.objects.create(
        slug="charter", title="协会章程", full_title="湖南省开发区协会章程", order=5, publish_requires_details=True
    )


@pytest.fixture
def intro(db):
    return Document.objects.create(slug="intro", title="协会简介", order=1)


@pytest.fixture
def make_version():
    def make(document, body=CHARTER_V1, published=True, **fields):
        fields.setdefault("change_note", "测试")
        if published:
            fields.setdefault("status", DocumentVersion.Status.PUBLISHED)
        return DocumentVersion.objects.create(document=document, body=body, **fields)

    return make


def test_versions_are_numbered_one_two_three_per_document(charter, intro, make_version):
    assert [make_version(charter).number for _ in range(3)] == [1, 2, 3]
    assert make_version(intro, body="<p>简介</p>").number == 1
    assert make_version(charter, published=False).number == 4


def test_two_versions_cannot_share_a_number(charter, make_version):
    version = make_version(charter)
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentVersion.objects.bulk_create([DocumentVersion(document=charter, number=version.number, body="x")])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_staff_saving_at_the_same_time_get_different_numbers():
    """Real concurrent saves on PostgreSQL: every version gets its own next number, none fails."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (.ci/run); SQLite serializes writers")
    document = Document.objects.create(slug="charter", title="协会章程")
    threads, per_thread = 6, 4
    barrier = threading.Barrier(threads)
    failures = []

    def save_versions():
        barrier.wait()
        try:
            for _ in range(per_thread):
                DocumentVersion.objects.create(document=document, body="<p>草稿</p>")
        except Exception as error:  # reported below, with the others
            failures.append(repr(error))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=save_versions) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    numbers = sorted(DocumentVersion.objects.values_list("number", flat=True))
    assert numbers == list(range(1, threads * per_thread + 1))


def test_current_version_is_the_newest_published_one(charter, intro, make_version):
    make_version(charter)
    second = make_version(charter)
    make_version(charter, published=False)
    intro_v1 = make_version(intro, body="<p>简介</p>")
    assert set(DocumentVersion.objects.current()) == {second, intro_v1}


def test_in_force_on_a_date_follows_effective_dates(charter, make_version):
    v1 = make_version(charter, effective_date=date(2017, 9, 29))
    v2 = make_version(charter, effective_date=date(2021, 3, 1))
    make_version(charter, published=False, effective_date=date(2022, 1, 1))
    in_force = DocumentVersion.objects.filter(document=charter).in_force_on
    assert in_force(date(2017, 9, 28)).first() is None
    assert in_force(date(2017, 9, 29)).first() == v1
    assert in_force(date(2021, 2, 28)).first() == v1
    assert in_force(date(2021, 3, 1)).first() == v2
    assert in_force(date(2030, 1, 1)).first() == v2


def test_version_without_effective_date_is_in_force_from_its_publication_day(intro, make_version):
    version = make_version(intro, body="<p>简介</p>")
    published_on = timezone.localdate(version.published_at)
    in_force = DocumentVersion.objects.filter(document=intro).in_force_on
    assert in_force(published_on).first() == version
    assert in_force(published_on - timedelta(days=1)).first() is None


# --- Models: a published version never changes -------------------------------------------------------


def test_published_version_refuses_a_changed_save(charter, make_version):
    version = make_version(charter)
    stored = version.body
    version.body = "<p>改写历史</p>"
    with pytest.raises(PublishedVersionError):
        version.save()
    version = DocumentVersion.objects.get(pk=version.pk)
    version.change_note = "改了说明"
    with pytest.raises(PublishedVersionError):
        version.save()
    assert DocumentVersion.objects.values_list("body", "change_note").get(pk=version.pk) == (stored, "测试")


def test_saving_a_published_version_unchanged_writes_nothing(charter, make_version):
    version = make_version(charter)
    with CaptureQueriesContext(connection) as queries:
        DocumentVersion.objects.get(pk=version.pk).save()
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]


def test_published_version_refuses_deletion_by_any_path(charter, make_version):
    version = make_version(charter)
    with pytest.raises(PublishedVersionError):
        version.delete()
    with pytest.raises(PublishedVersionError):
        DocumentVersion.objects.filter(document=charter).delete()
    with pytest.raises(PublishedVersionError):
        DocumentVersion.objects.filter(pk=version.pk).update(body="<p>改写</p>")
    assert DocumentVersion.objects.filter(pk=version.pk, body=version.body).exists()


def test_drafts_can_be_edited_and_deleted(charter, make_version):
    draft = make_version(charter, published=False)
    draft.body = "<p>第一条 修改后的草稿。</p>"
    draft.save()
    assert DocumentVersion.objects.get(pk=draft.pk).body == "<p>第一条 修改后的草稿。</p>"
    draft.delete()
    assert not DocumentVersion.objects.exists()


def test_a_document_with_versions_cannot_be_deleted(charter, make_version):
    from django.db.models import ProtectedError

    make_version(charter)
    with pytest.raises(ProtectedError):
        charter.delete()


def test_publishing_turns_a_draft_into_a_published_version_once(intro, make_version, admin_user):
    draft = make_version(intro, body="<p>简介</p>", published=False, change_note="")
    draft.publish(user=admin_user)
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at and draft.published_by == admin_user
    with pytest.raises(PublishedVersionError):
        draft.publish()


def test_charter_needs_effective_date_and_change_note_to_publish(charter, make_version):
    from django.core.exceptions import ValidationError

    draft = make_version(charter, published=False, change_note="")
    with pytest.raises(ValidationError) as error:
        draft.publish()
    assert error.value.message_dict == {
        "effective_date": ["发布协会章程必须填写生效日期。"],
        "change_note": ["发布协会章程必须填写修改说明（例如：经哪次会员大会审议通过）。"],
    }
    assert DocumentVersion.objects.get(pk=draft.pk).status == DocumentVersion.Status.DRAFT


def test_an_older_draft_cannot_be_published_over_a_newer_version(intro, make_version):
    from django.core.exceptions import ValidationError

    make_version(intro, body="<p>一</p>")
    stale = make_version(intro, body="<p>二</p>", published=False)
    make_version(intro, body="<p>三</p>")
    with pytest.raises(ValidationError, match="已发布了更新的第3版"):
        stale.publish()


# --- Pages ----------------------------------------------------------------------------------------------


@pytest.fixture
def charter_v2(charter, make_version):
    """The charter in two versions: 第五条 changed, 第八条 added."""
    make_version(charter, effective_date=date(2017, 9, 29), change_note="网站初始内容")
    body = CHARTER_V1.replace("12万元", "50万元") + "<p>第八条 &nbsp;本章程经会员大会表决通过之日起生效。</p>"
    return make_version(charter, body=body, effective_date=date(2021, 3, 1), change_note="经第三届会员大会审议通过")


def h1_count(response):
    return len(re.findall(r"<h1[\s>]", response.content.decode()))


def test_document_page_shows_the_current_version(client, charter_v2):
    response = client.get("/about/charter/")
    content = response.content.decode()
    assert h1_count(response) == 1
    assert '<h1 class="article__title">湖南省开发区协会章程</h1>' in content
    assert "<dd>第 2 版（现行）</dd>" in content
    assert '<time datetime="2021-03-01">2021年3月1日</time>' in content
    assert '<a href="/about/charter/history/">历史版本</a>' in content
    assert "50万元" in content and "12万元" not in content
    assert '<li aria-current="page">协会章程</li>' in content
    assert '<a href="/about/charter/" aria-current="page">协会章程</a>' in content  # section nav and main nav


def test_charter_page_has_anchors_an_outline_beside_and_a_folding_one(client, charter_v2):
    content = client.get("/about/charter/").content.decode()
    assert 'id="tiao-5"' in content and 'id="tiao-8"' in content and 'id="zhang-2"' in content
    assert 'class="doc-outline doc-outline--side"' in content
    assert '<details class="doc-outline doc-outline--fold">' in content
    assert content.count('<a href="#tiao-7">第七条') == 2  # the same outline, side and folding
    assert 'src="/static/js/association.js"' in content


def test_document_without_headings_has_no_outline_on_its_page(client, intro, make_version):
    make_version(intro, body="<p>湖南省开发区协会是全省性联合民间组织。</p>")
    content = client.get("/about/intro/").content.decode()
    assert "doc-outline" not in content
    assert "<p>湖南省开发区协会是全省性联合民间组织。</p>" in content
    assert "association.js" not in content


def test_date_shows_the_version_in_force_that_day(client, charter_v2):
    content = client.get("/about/charter/", {"date": "2019-01-01"}).content.decode()
    assert "这是 2019年1月1日 当天有效的文本：第 1 版，自 2017年9月29日 起生效。" in content
    assert "这不是现行版本。" in content
    assert "12万元" in content
    assert '<meta name="robots" content="noindex">' in content
    content = client.get("/about/charter/", {"date": "2021-03-01"}).content.decode()
    assert "第 2 版，自 2021年3月1日 起生效" in content and "这不是现行版本" not in content


def test_date_before_any_version_says_none_was_in_force_yet(client, charter_v2):
    response = client.get("/about/charter/", {"date": "2016-05-01"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "2016年5月1日，协会章程尚无已生效的版本。" in content
    assert "最早的第 1 版自 2017年9月29日 起生效。" in content
    assert "doc__body" not in content


@pytest.mark.parametrize(
    "value", ["2019-02-30", "abc", "2019-1-1", "99999-01-01", "2019-01-01'--", "0000-00-00", "２０１９-01-01"]
)
def test_malformed_date_is_ignored_and_said_so(client, charter_v2, value):
    response = client.get("/about/charter/", {"date": value})
    content = response.content.decode()
    assert response.status_code == 200
    assert "无法识别日期" in content
    assert "<dd>第 2 版（现行）</dd>" in content


def test_empty_date_from_the_picker_is_just_the_current_page(client, charter_v2):
    content = client.get("/about/charter/", {"date": ""}).content.decode()
    assert "无法识别日期" not in content and "<dd>第 2 版（现行）</dd>" in content


def test_old_version_is_marked_not_current_and_links_to_the_current_one(client, charter_v2):
    response = client.get("/about/charter/v1/")
    content = response.content.decode()
    assert h1_count(response) == 1
    assert "<dd>第 1 版（旧版本）</dd>" in content
    assert "<strong>这不是现行版本。</strong>" in content
    assert '<a class="button" href="/about/charter/">查看现行版本（第 2 版）</a>' in content
    assert '<a href="/about/charter/compare/1/2/">与现行版本比较</a>' in content
    assert "<title>湖南省开发区协会章程（第1版）" in content
    assert '<li aria-current="page">第1版</li>' in content
    assert 'id="tiao-5"' in content  # an article's link works on every version


def test_current_version_by_number_renders_the_current_text_with_a_canonical_link(client, charter_v2):
    content = client.get("/about/charter/v2/").content.decode()
    assert "这不是现行版本" not in content
    assert "<dd>第 2 版（现行）</dd>" in content
    assert '<link rel="canonical" href="http://testserver/about/charter/">' in content


def test_history_lists_published_versions_newest_first(client, charter_v2, make_version, charter):
    make_version(charter, published=False, body="<p>草稿中的文字</p>")
    response = client.get("/about/charter/history/")
    content = response.content.decode()
    assert h1_count(response) == 1
    titles = re.findall(r'<h2 class="version-item__title">\s*第 (\d+) 版', content)
    assert titles == ["2", "1"]
    assert "经第三届会员大会审议通过" in content and "网站初始内容" in content
    assert '<a href="/about/charter/v1/">查看第 1 版</a>' in content
    assert '<a href="/about/charter/compare/1/2/">与第 1 版比较</a>' in content
    assert "第 3 版" not in content
    assert '<input id="in-force-date" type="date" name="date" required>' in content
    assert 'action="/about/charter/"' in content


def test_history_compare_form_goes_to_the_comparison(client, charter_v2):
    response = client.get("/about/charter/history/", {"a": "2", "b": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/about/charter/compare/1/2/"


@pytest.mark.parametrize("query", [{"a": "x", "b": "1"}, {"a": "1"}, {"a": "-1", "b": "2"}, {"b": "99999999999"}])
def test_history_compare_form_with_bad_numbers_asks_again(client, charter_v2, query):
    response = client.get("/about/charter/history/", query)
    assert response.status_code == 200
    assert "请选择要比较的两个版本。" in response.content.decode()


def test_history_lists_the_versions_in_which_one_article_changed(client, charter_v2):
    content = client.get("/about/charter/history/", {"article": "5"}).content.decode()
    assert "第五条的修改记录" in content
    section = content[content.index('id="article-history"') : content.index('class="version-list"')]
    assert '<a href="/about/charter/v1/#tiao-5">第 1 版</a>' in section and "最初的文本" in section
    assert '<a href="/about/charter/v2/#tiao-5">第 2 版</a>' in section and "修改了这一条" in section
    content = client.get("/about/charter/history/", {"article": "1"}).content.decode()
    section = content[content.index('id="article-history"') : content.index('class="version-list"')]
    assert "v2/#tiao-1" not in section  # 第一条 did not change in version 2
    assert '<option value="8">第八条</option>' in content


def test_history_with_a_malformed_article_is_ignored(client, charter_v2):
    response = client.get("/about/charter/history/", {"article": "五'"})
    assert response.status_code == 200
    assert "请从列表中选择一条。" in response.content.decode()


def test_compare_page_marks_the_changed_characters_and_summarizes_by_article(client, charter_v2):
    response = client.get("/about/charter/compare/1/2/")
    content = response.content.decode()
    assert h1_count(response) == 1
    assert "<h1>协会章程：第 1 版与第 2 版的比较</h1>" in content
    assert '<p class="compare-summary__articles">修改了第五条；新增了第八条。</p>' in content
    assert "<del>12</del><ins>50</ins>万元" in content
    assert "<ins>第八条 本章程经会员大会表决通过之日起生效。</ins>" in content
    assert "共修改 1 段，新增 1 段，删除 0 段。" in content


def test_compare_escapes_the_text_of_versions(client, intro, make_version):
    make_version(intro, body="<p>简介&lt;script&gt;alert(1)&lt;/script&gt;</p>")
    make_version(intro, body="<p>简介&lt;b&gt;加粗&lt;/b&gt;</p>")
    content = client.get("/about/intro/compare/1/2/").content.decode()
    assert "<script>alert" not in content and "<b>加粗" not in content
    assert "&lt;b&gt;加粗&lt;/b&gt;" in content


def test_comparing_a_version_with_itself_says_there_is_no_difference(client, charter_v2):
    content = client.get("/about/charter/compare/2/2/").content.decode()
    assert "两个版本没有差别：您选择的是同一个版本（第 2 版）。" in content
    assert 'class="diff"' not in content


def test_versions_differing_only_in_formatting_compare_as_equal(client, intro, make_version):
    make_version(intro, body="<p>会员单位130余家，</p>")
    make_version(intro, body="<p>会员单位１３０余家,</p>")
    content = client.get("/about/intro/compare/1/2/").content.decode()
    assert "两个版本没有差别：文字相同" in content


def test_compare_in_the_other_order_redirects(client, charter_v2):
    response = client.get("/about/charter/compare/2/1/")
    assert response.status_code == 302 and response["Location"] == "/about/charter/compare/1/2/"


@pytest.mark.parametrize(
    "url",
    [
        "/about/nothing/",
        "/about/nothing/history/",
        "/about/nothing/v1/",
        "/about/nothing/compare/1/2/",
        "/about/charter/v0/",
        "/about/charter/v3/",  # a draft
        "/about/charter/v99/",
        "/about/charter/v99999999999999999999/",
        "/about/charter/vabc/",
        "/about/charter/compare/1/3/",
        "/about/charter/compare/1/99/",
        "/about/charter/compare/0/1/",
        "/about/charter/compare/1/99999999999999999999/",
        "/about/charter/compare/a/b/",
    ],
)
def test_unknown_documents_versions_and_pairs_are_chinese_404s(client, charter_v2, charter, make_version, url):
    make_version(charter, published=False)
    response = client.get(url)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_document_with_only_drafts_is_hidden_from_the_public(client, intro, make_version):
    make_version(intro, body="<p>尚未发布</p>", published=False)
    assert client.get("/about/intro/").status_code == 404
    assert client.get("/about/intro/history/").status_code == 404


def test_staff_can_preview_a_draft_version(staff_client, charter_v2, charter, make_version):
    make_version(charter, body="<p>第一条 草稿文字。</p>", published=False)
    content = staff_client.get("/about/charter/v3/").content.decode()
    assert "草稿预览：此版本尚未发布，公众看不到。" in content and "草稿文字" in content
    assert "<del>" in staff_client.get("/about/charter/compare/2/3/").content.decode()


def test_a_version_taking_effect_later_names_the_one_in_force_today(client, charter, make_version):
    make_version(charter, effective_date=date(2017, 9, 29))
    later = timezone.localdate() + timedelta(days=30)
    make_version(charter, effective_date=later)
    content = client.get("/about/charter/").content.decode()
    assert f"第 2 版自 {later.year}年{later.month}月{later.day}日 起生效。" in content
    assert '在此之前有效的是<a href="/about/charter/v1/">第 1 版</a>' in content


def test_main_navigation_has_the_five_documents_and_marks_the_current_one(client, charter_v2):
    for slug, title, order in [("intro", "协会简介", 1), ("purpose", "协会宗旨", 2), ("business", "协会业务", 4)]:
        document = Document.objects.create(slug=slug, title=title, order=order)
        DocumentVersion.objects.create(document=document, body="<p>正文</p>", status=DocumentVersion.Status.PUBLISHED)
    functions = Document.objects.create(slug="functions", title="协会职能", order=3)
    DocumentVersion.objects.create(document=functions, body="<p>正文</p>", status=DocumentVersion.Status.PUBLISHED)
    content = client.get("/about/charter/history/").content.decode()
    nav = main_nav(content)
    assert re.findall(r">(协会\w\w)</a>", nav) == ["协会简介", "协会宗旨", "协会职能", "协会业务", "协会章程"]
    assert '<a href="/about/charter/" aria-current="page">协会章程</a>' in nav
    assert '<a href="/about/intro/">协会简介</a>' in nav


def main_nav(content):
    start = content.index('aria-label="主导航"')
    return content[start : content.index("</nav>", start)]


def test_about_menu_follows_document_records_title_order_and_visibility(client, charter, intro, make_version):
    """The 关于协会 menu is the documents: their titles, in 排序 order; unpublished or hidden ones are left out."""
    make_version(charter)
    make_version(intro, body="<p>简介</p>")
    draft_only = Document.objects.create(slug="draft-only", title="尚未发布", order=0)
    make_version(draft_only, published=False)
    hidden = Document.objects.create(slug="hidden", title="不在菜单", order=0, show_in_nav=False)
    make_version(hidden, body="<p>隐藏</p>")
    charter.title, charter.order = "章程全文", 0
    charter.save()

    nav = main_nav(client.get("/").content.decode())
    assert re.findall(r'<a href="/about/[^"]+/">([^<]+)</a>', nav) == ["章程全文", "协会简介"]
    assert client.get("/about/hidden/").status_code == 200  # hidden from the menu, still published


def test_no_about_menu_without_published_documents(client, charter, make_version):
    make_version(charter, published=False)
    assert "关于协会" not in main_nav(client.get("/").content.decode())


# --- Query counts ---------------------------------------------------------------------------------------


# documents (section nav), the version(s), site settings, and the site chrome:
# the main navigation's 栏目 and 关于协会 documents, the footer's 友情链接
CHROME_QUERIES = 3
PAGES = [
    ("/about/charter/", 3 + CHROME_QUERIES),
    ("/about/charter/?date=2018-01-01", 3 + CHROME_QUERIES),
    ("/about/charter/v1/", 3 + CHROME_QUERIES),
    ("/about/charter/history/", 3 + CHROME_QUERIES),
    ("/about/charter/history/?article=5", 3 + CHROME_QUERIES),
    ("/about/charter/compare/1/2/", 3 + CHROME_QUERIES),
]


@pytest.mark.parametrize(("url", "queries"), PAGES)
def test_query_count_of_each_page_does_not_grow_with_versions(
    client, charter, make_version, django_assert_num_queries, url, queries
):
    make_version(charter, effective_date=date(2017, 9, 29))
    make_version(charter, body=CHARTER_V1.replace("12万元", "13万元"), effective_date=date(2019, 1, 1))
    client.get(url)  # the first request creates the site settings record
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    for n in range(8):
        body = CHARTER_V1.replace("12万元", f"{20 + n}万元") + f"<p>第{outline.chinese_numeral(8 + n)}条 新增。</p>"
        make_version(charter, body=body, effective_date=date(2019, n + 2, 1))
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_query_count_of_a_date_before_any_version(client, charter, make_version, django_assert_num_queries):
    make_version(charter, effective_date=date(2017, 9, 29))
    client.get("/about/charter/")
    with django_assert_num_queries(4 + CHROME_QUERIES):  # + the earliest version, to say when it took effect
        client.get("/about/charter/", {"date": "2000-01-01"})


# --- Home panel and search ------------------------------------------------------------------------------


def test_home_panel_shows_an_excerpt_of_the_current_introduction_and_links(client, db, django_assert_num_queries):
    load_association_seed()
    intro = Document.objects.get(slug="intro")
    DocumentVersion.objects.create(
        document=intro, body="<p>湖南省开发区协会是新的简介。</p>", status=DocumentVersion.Status.PUBLISHED
    )
    with django_assert_num_queries(1):
        panel_intro, others = Document.objects.home_panel()
    assert (panel_intro, panel_intro.intro_body) == (intro, "<p>湖南省开发区协会是新的简介。</p>")
    assert [document.intro_body for document in others] == ["", "", "", ""]
    html = client.get("/").content.decode()
    assert "<p>湖南省开发区协会是新的简介。</p>" in html
    assert '<a class="panel__more" href="/about/intro/">详细 ›</a>' in html
    links = re.findall(r'<a class="article-item__title" href="(/about/\w+/)">(\w+)</a>', html)
    assert links == [
        ("/about/purpose/", "协会宗旨"),
        ("/about/functions/", "协会职能"),
        ("/about/business/", "协会业务"),
        ("/about/charter/", "协会章程"),
    ]


def test_home_page_shows_the_association_panel(client, db):
    load_association_seed()
    content = client.get("/").content.decode()
    assert '<h2 id="home-about">协会简介</h2>' in content
    assert "湖南省开发区协会是湖南省境内各类开发区的全省性联合民间组织" in content


# --- Admin ----------------------------------------------------------------------------------------------


def test_document_list_shows_current_version_and_date_without_a_query_per_row(staff_client, db):
    load_association_seed()
    url = reverse("admin:association_document_changelist")
    staff_client.get(url)
    with CaptureQueriesContext(connection) as few:
        content = staff_client.get(url).content.decode()
    assert content.count("第 1 版") == 5
    assert "2017年9月29日" in content
    for document in Document.objects.all():
        DocumentVersion.objects.create(document=document, body="<p>新</p>", status="published")
        DocumentVersion.objects.create(document=document, body="<p>草稿</p>")
    with CaptureQueriesContext(connection) as more:
        content = staff_client.get(url).content.decode()
    assert content.count("第 2 版") == 5
    assert len(more) == len(few)


def test_new_version_form_starts_from_the_current_text(staff_client, charter_v2, charter):
    response = staff_client.get(reverse("admin:association_documentversion_add"), {"document": charter.pk})
    form = response.context["adminform"].form
    assert form.initial["body"] == DocumentVersion.objects.get(document=charter, number=2).body
    assert str(form.initial["document"]) == str(charter.pk)
    response = staff_client.get(reverse("admin:association_documentversion_add"), {"document": charter.pk, "from": "1"})
    assert "12万元" in response.context["adminform"].form.initial["body"]
    page = staff_client.get(reverse("admin:association_document_change", args=[charter.pk])).content.decode()
    assert f'href="/admin/association/documentversion/add/?document={charter.pk}">以现行文本新建版本</a>' in page


def post_version(client, document, publish=True, **data):
    data = {"document": document.pk, "body": "<p>第一条 新的文本。</p>", "effective_date": "", "change_note": ""} | data
    if publish:
        data["_publish"] = "保存并发布"
    else:
        data["_save"] = "保存"
    return client.post(reverse("admin:association_documentversion_add"), data)


def test_staff_publish_a_new_version_and_the_public_sees_it(staff_client, client, charter_v2, charter):
    response = post_version(
        staff_client,
        charter,
        body='<p onclick="x()">第一条 &nbsp;新的文本。</p><script>alert(1)</script>',
        effective_date="2024-06-01",
        change_note="经第四届会员大会审议通过",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:association_document_change", args=[charter.pk])
    version = DocumentVersion.objects.get(document=charter, number=3)
    assert version.is_published and version.published_by.username == "admin" and version.created_by
    assert version.body == "<p>第一条 &nbsp;新的文本。</p>"
    content = client.get("/about/charter/").content.decode()
    assert "<dd>第 3 版（现行）</dd>" in content and "新的文本" in content
    assert "这不是现行版本" in client.get("/about/charter/v2/").content.decode()


def test_saving_without_publishing_keeps_a_draft(staff_client, client, charter_v2, charter):
    assert post_version(staff_client, charter, publish=False).status_code == 302
    draft = DocumentVersion.objects.get(document=charter, number=3)
    assert draft.status == DocumentVersion.Status.DRAFT
    assert "<dd>第 2 版（现行）</dd>" in client.get("/about/charter/").content.decode()


def test_publishing_the_charter_without_date_and_note_shows_chinese_errors(staff_client, charter_v2, charter):
    response = post_version(staff_client, charter)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["effective_date"] == ["发布协会章程必须填写生效日期。"]
    assert errors["change_note"] == ["发布协会章程必须填写修改说明（例如：经哪次会员大会审议通过）。"]
    assert not DocumentVersion.objects.filter(number=3).exists()


def test_other_documents_publish_without_date_or_note(staff_client, intro, make_version):
    make_version(intro, body="<p>旧简介</p>")
    assert post_version(staff_client, intro, body="<p>新简介</p>").status_code == 302
    assert DocumentVersion.objects.get(document=intro, number=2).is_published


def test_published_version_is_read_only_in_the_admin(staff_client, charter_v2):
    url = reverse("admin:association_documentversion_change", args=[charter_v2.pk])
    page = staff_client.get(url)
    content = page.content.decode()
    assert page.status_code == 200
    assert 'name="body"' not in content and 'name="_publish"' not in content and 'name="_save"' not in content
    assert "以此版本为底稿新建版本" in content
    assert "<p>第五条 本协会的注册资金为 50万元人民币。</p>" in content  # its text, not its HTML source
    assert "&lt;p&gt;" not in content
    response = staff_client.post(url, {"body": "<p>改写历史</p>", "effective_date": "", "change_note": "x"})
    assert response.status_code == 403
    assert DocumentVersion.objects.get(pk=charter_v2.pk).body == charter_v2.body


def test_published_version_cannot_be_deleted_in_the_admin(staff_client, charter_v2):
    url = reverse("admin:association_documentversion_delete", args=[charter_v2.pk])
    assert staff_client.get(url).status_code == 403
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:association_documentversion_changelist")
    selected = {"action": "delete_selected", "_selected_action": [charter_v2.pk]}
    confirmation = staff_client.post(changelist, selected).content.decode()
    assert "<title>无法删除 文件版本" in confirmation
    assert staff_client.post(changelist, {**selected, "post": "yes"}).status_code == 403
    assert DocumentVersion.objects.filter(pk=charter_v2.pk).exists()


def test_drafts_can_be_edited_and_deleted_in_the_admin(staff_client, charter_v2, charter, make_version):
    draft = make_version(charter, published=False, body="<p>第一条 草稿。</p>")
    url = reverse("admin:association_documentversion_change", args=[draft.pk])
    data = {"body": "<p>第一条 改过的草稿。</p>", "effective_date": "", "change_note": "", "_save": "保存"}
    assert staff_client.post(url, data).status_code == 302
    assert DocumentVersion.objects.get(pk=draft.pk).body == "<p>第一条 改过的草稿。</p>"
    delete_url = reverse("admin:association_documentversion_delete", args=[draft.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not DocumentVersion.objects.filter(pk=draft.pk).exists()


def test_publish_action_publishes_drafts_and_says_what_is_missing(staff_client, charter, intro, make_version):
    intro_draft = make_version(intro, body="<p>简介</p>", published=False)
    charter_draft = make_version(charter, published=False, change_note="")
    response = staff_client.post(
        reverse("admin:association_documentversion_changelist"),
        {"action": "publish", "_selected_action": [intro_draft.pk, charter_draft.pk]},
        follow=True,
    )
    content = response.content.decode()
    assert "已发布 1 个版本。" in content
    assert "“协会章程 第1版（草稿）”未发布：发布协会章程必须填写生效日期。" in content
    assert DocumentVersion.objects.get(pk=intro_draft.pk).is_published
    assert not DocumentVersion.objects.get(pk=charter_draft.pk).is_published


# --- Seed ------------------------------------------------------------------------------------------------


SEED_INTRO = (
    "湖南省开发区协会是湖南省境内各类开发区的全省性联合民间组织,是中国共产党领导的具有法人资格的社会团体。"
    "协会于2010年11月12日经湖南省民政厅批准登记成立,在湖南省发改委、省园区办的指导下开展工作,现有会员单位130余家。"
)
SEED_FUNCTIONS = (
    "传达国家和省有关开发区的政策法规,组织省、内外开发区经验交流,帮助解决和咨询有关开发区发展方面的问题。"
    "协会是开发区之间以及开发区与政府部门间相互联系的纽带和桥梁。"
)
SEED_REPEATED_ITEM = "(七)收集发布国内外重点产业发展动态信息,帮助开发区了解产业发展新趋势。"


def current_text(slug):
    return paragraph_texts(DocumentVersion.objects.current().get(document__slug=slug).body)


def test_seed_loads_version_one_of_the_five_documents_exactly(db):
    load_association_seed()
    assert list(Document.objects.values_list("slug", "title")) == [
        ("intro", "协会简介"),
        ("purpose", "协会宗旨"),
        ("functions", "协会职能"),
        ("business", "协会业务"),
        ("charter", "协会章程"),
    ]
    assert set(DocumentVersion.objects.values_list("number", "status")) == {(1, "published")}
    assert set(DocumentVersion.objects.values_list("change_note", flat=True)) == {"网站初始内容，录自协会原网站。"}
    assert current_text("intro") == [SEED_INTRO]
    assert current_text("functions") == [SEED_FUNCTIONS]
    (purpose,) = current_text("purpose")
    assert purpose.startswith("以马克思列宁主义、毛泽东思想、邓小平理论、三个代表重要思想、科学发展观、习近平新时代")
    assert purpose.endswith("汇集反映会员呼声,维护会员合法权益,全心全意为会员做好各项协调服务。")


def test_seed_keeps_the_business_items_as_the_original_has_them(db):
    load_association_seed()
    items = current_text("business")
    assert [item[:3] for item in items] == ["(一)", "(二)", "(三)", "(四)", "(五)", "(六)", "(七)", "(八)", "(七)"]
    assert items[6] == items[8] == SEED_REPEATED_ITEM
    assert items[7] == "(八)组织承办各类会议。"


def test_seed_charter_has_its_date_title_chapters_and_articles(db):
    load_association_seed()
    charter = DocumentVersion.objects.current().get(document__slug="charter")
    assert charter.effective_date == date(2017, 9, 29)
    assert charter.document.heading == "湖南省开发区协会章程"
    assert charter.document.publish_requires_details
    texts = paragraph_texts(charter.body)
    assert texts[0] == "第一章 \xa0总则"
    assert texts[5] == "第五条 \xa0本协会的注册资金为 12万元人民币。协会会址设湖南省长沙市五一大道492号粮贸大厦14楼。"
    assert texts[6] == "第二章 \xa0 协会宗旨和业务范围"
    assert "全心全意为会员做好各项协调服务。 第七条 \xa0协会的业务范围是:调查研究" in texts[7]
    assert texts[-1] == "(五)开展政策、法律、园区管理、项目管理等方面的咨询服务。"
    assert len(texts) == 13
    headings = [(h.label, h.anchor) for h in charter.outline.headings]
    assert headings == [
        ("第一章", "zhang-1"),
        ("第一条", "tiao-1"),
        ("第二条", "tiao-2"),
        ("第三条", "tiao-3"),
        ("第四条", "tiao-4"),
        ("第五条", "tiao-5"),
        ("第二章", "zhang-2"),
        ("第六条", "tiao-6"),
        ("第七条", "tiao-7"),
    ]


def test_seed_is_idempotent_and_leaves_new_versions_alone(db):
    assert len(load_association_seed()) == 5
    business = Document.objects.get(slug="business")
    DocumentVersion.objects.create(document=business, body="<p>(一)改正后。</p>", status="published")
    assert load_association_seed() == []
    assert DocumentVersion.objects.count() == 6
    assert current_text("business") == ["(一)改正后。"]


def test_seed_pages_render_for_every_document(client, db):
    load_association_seed()
    for slug in ["intro", "purpose", "functions", "business", "charter"]:
        response = client.get(f"/about/{slug}/")
        assert h1_count(response) == 1, slug
        assert "<dd>第 1 版（现行）</dd>" in response.content.decode(), slug


def test_sitemap_lists_the_current_page_of_published_documents(intro, charter, make_version):
    from association.sitemaps import DocumentSitemap

    make_version(intro, body="<p>简介</p>")
    make_version(charter, published=False)
    version = make_version(intro, body="<p>新简介</p>")
    (entry,) = DocumentSitemap().get_urls(site=type("Site", (), {"domain": "example.org", "name": ""})())
    assert entry["location"] == "http://testserver/about/intro/"  # settings.SITE_URL, not the request's site
    assert entry["lastmod"] == version.published_at


def test_history_of_a_document_with_only_drafts_is_shown_to_staff(staff_client, charter, make_version):
    make_version(charter, published=False)
    response = staff_client.get("/about/charter/history/")
    assert response.status_code == 200
    assert "这份文件还没有已发布的版本。" in response.content.decode()
