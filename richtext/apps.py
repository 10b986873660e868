from django.apps import AppConfig


class RichTextConfig(AppConfig):
    name = "richtext"
    verbose_name = "富文本"
