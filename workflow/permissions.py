"""The publish permissions and the reviewers' groups.

``news.publish_article`` and ``association.publish_documentversion`` are custom permissions on the
content's own content types (so ``user.has_perm("news.publish_article")`` reads naturally), created
here rather than in the news and association models. The groups that publish today (编辑, 文档管理)
keep publishing: nothing changes until staff enable a workflow. 部门负责人 (初审) may read and
correct what they review; 分管领导 (签发) may also publish where no workflow applies.

Run by migration 0002 and after every ``migrate`` or ``flush`` (post_migrate), so a flushed test
database gets them back. Safe to run again: objects are fetched or created, permissions only added.
"""

from django.contrib.auth.management import create_permissions

PUBLISH = [
    ("news", "article", "publish_article", "可以发布文章"),
    ("association", "documentversion", "publish_documentversion", "可以发布协会文件版本"),
]
REVIEWER = [
    ("news", "view_article"),
    ("news", "change_article"),
    ("association", "view_documentversion"),
    ("association", "change_documentversion"),
    ("association", "view_document"),
    ("workflow", "view_review"),
    ("workflow", "view_expression"),
    ("audit", "view_changerecord"),
]
GROUPS = {
    "编辑": [("news", "publish_article"), ("workflow", "view_review"), ("workflow", "view_expression")],
    "文档管理": [
        ("association", "publish_documentversion"),
        ("workflow", "view_review"),
        ("workflow", "view_expression"),
    ],
    "部门负责人": REVIEWER,
    "分管领导": [*REVIEWER, ("news", "publish_article"), ("association", "publish_documentversion")],
}


def ensure_permissions_and_groups(apps):
    for app_config in apps.get_app_configs():
        previous, app_config.models_module = getattr(app_config, "models_module", None), True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for app_label, model, codename, name in PUBLISH:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})
    for group_name, wanted in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codename in wanted:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
