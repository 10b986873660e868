from django.apps import AppConfig


class AssociationConfig(AppConfig):
    name = "association"
    verbose_name = "协会文件"

    def ready(self):
        from pagecache import cache as pagecache

        from .models import DocumentVersion

        # "自…起生效" notices change on the day a version takes effect: the page cache moves on then.
        pagecache.register_schedule(lambda: DocumentVersion.objects.next_taking_effect())
