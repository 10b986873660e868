"""Site settings as the original site shows them (welcome line, address)."""

from .models import SiteSettings
from .seeding import seed_once


def create_settings():
    settings = SiteSettings.load()
    settings.welcome = "欢迎来到湖南省开发区协会中心网站!"
    settings.address = "湖南省长沙市五一大道492号粮贸大厦14楼"
    settings.save()


def load():
    return ["site.settings"] if seed_once("site.settings", create_settings) else []
