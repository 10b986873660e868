from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "hnda_site"
    verbose_name = "网站设置"
