"""园区快讯 as the original site shows it.

The one article with text keeps its paragraphs exactly (the original indented
them with spaces; the site's CSS indents paragraphs instead). The two other
titles the original lists have no text there, so they are loaded as drafts for
staff to complete: nothing is invented.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q

from hnda_site.models import SiteSettings
from hnda_site.seeding import load_pieces, paragraphs_html

from .models import Article, Category

SHANGHAI = ZoneInfo("Asia/Shanghai")


def park_express():
    return Category.objects.get_or_create(
        slug="park-express", defaults={"name": "园区快讯", "english_name": "Park Express", "order": 1}
    )[0]


def create_category():
    park_express()


def make_default_category():
    """New articles go to 园区快讯 unless staff choose another default in 网站设置."""
    settings = SiteSettings.load()
    if settings.default_category_id is None:
        settings.default_category = park_express()
        settings.save(update_fields=["default_category"])


def create_innovation_points_article():
    Article.objects.create(
        title="长沙高新区入选全国13家国家高新区启动企业创新积分制试点",
        category=park_express(),
        publisher="科技部、湖南开发区网",
        published_at=datetime(2020, 12, 18, tzinfo=SHANGHAI),
        status=Article.Status.PUBLISHED,
        body=paragraphs_html("news", "changsha-innovation-points.txt"),
    )


# The association's usual 栏目 besides 园区快讯: placed in the navigation and on the home page, empty
# until staff publish (an empty 栏目 has no column on the home page).
USUAL_CATEGORIES = [
    # slug, name, English name, 排序 and 首页位置
    ("notices", "通知公告", "Notices", 2),
    ("policies", "政策法规", "Policies and Regulations", 3),
]


def category_creator(slug, name, english_name, order):
    def create():
        if Category.objects.filter(Q(slug=slug) | Q(name=name)).exists():
            return  # staff made it already (perhaps under another address): leave theirs alone
        Category.objects.create(slug=slug, name=name, english_name=english_name, order=order, home_position=order)

    return create


def draft_creator(title):
    def create():
        Article.objects.create(title=title, category=park_express(), status=Article.Status.DRAFT)

    return create


PIECES = [
    ("news.category.park-express", create_category),
    ("news.category.park-express.default", make_default_category),
    *((f"news.category.{slug}", category_creator(slug, *details)) for slug, *details in USUAL_CATEGORIES),
    ("news.article.changsha-innovation-points", create_innovation_points_article),
    ("news.article.xiangxi-green-development", draft_creator("湘西高新区:“四个第一” 推动绿色发展")),
    ("news.article.changsha-etdz-free-trade-zone", draft_creator("长沙经开区:承接自贸区制度创新任务")),
]


def load():
    return load_pieces(PIECES)
