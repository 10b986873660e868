"""协会文件: seed content."""

import re
from datetime import date
from html import unescape

from association.models import Document, DocumentVersion
from association.seed import load as load_association_seed

from .helpers import h1_count


def paragraph_texts(body):
    """The text of each <p> exactly as stored (entities decoded, non-breaking spaces kept)."""
    return [unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(r"<p>(.*?)</p>", body)]


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
