from django.apps import AppConfig


class AssociationConfig(AppConfig):
    name = "association"
    verbose_name = "协会文件"
