"""Site settings as the original site shows them (welcome line, address)."""

from .models import SiteSettings
from .seeding import load_pieces


def create_settings():
    settings = SiteSettings.load()
    settings.welcome = "欢迎来到湖南省开发区协会中心网站!"
    settings.address = "湖南省长沙市五一大道492号粮贸大厦14楼"
    settings.save()


PIECES = [("site.settings", create_settings)]


def load():
    return load_pieces(PIECES)
