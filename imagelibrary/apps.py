from django.apps import AppConfig


class ImageLibraryConfig(AppConfig):
    name = "imagelibrary"
    verbose_name = "图片库"
