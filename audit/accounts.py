"""操作记录 of accounts: users, groups and permissions, which django.contrib.auth keeps no history of.

Recorded with values, in the words of the admin: a user created or deleted (with 工作人员状态,
超级用户状态, 有效), each of those flags changed (``超级用户状态：否 → 是`` is someone made
superuser, the 操作人 column says by whom), joining or leaving a group, permissions given to or
taken from a user or a group, a group created, renamed or deleted, and a password change, as an
event only (never the hash). Logging in (``last_login``) and Django's silent re-hashing of a
password on login are not changes. Several of these in one request (the admin's user form saves
the flags, then the groups, then the permissions) make one record.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.models import HistoricalRecords

from editorial.changes import display_value

from .models import ChangeRecord

User = get_user_model()
USER_FIELDS = ["username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser"]
# What a new user's record lists: who may do what.
NEW_USER_FIELDS = ["is_active", "is_staff", "is_superuser"]
ACTION_WORDS = {"add": "增加", "change": "修改", "delete": "删除", "view": "查看"}
# m2m relation → (words when added, words when removed)
MEMBERSHIP_WORDS = {"groups": ("加入组", "退出组"), "permissions": ("增加权限", "取消权限")}
PENDING = "_audit_account_records"


def acting_user():
    """The staff account of the current request (set by simple-history's middleware), or None."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(instance, action, changes):
    """Write a ChangeRecord for ``instance``; a second change in the same request joins the first."""
    request = getattr(HistoricalRecords.context, "request", None)
    pending = getattr(request, PENDING, None) if request is not None else None
    if pending is None and request is not None:
        pending = {}
        setattr(request, PENDING, pending)
    content_type = ContentType.objects.get_for_model(instance)
    key = (content_type.pk, str(instance.pk))
    existing = pending.get(key) if pending is not None else None
    if (
        existing is not None
        and existing.action != ChangeRecord.Action.DELETED
        and action == ChangeRecord.Action.CHANGED
    ):
        existing.changes += changes
        existing.object_repr = str(instance)[:300]
        existing.save(update_fields=["changes", "object_repr"])
        return existing
    user = acting_user()
    created = ChangeRecord.objects.create(
        at=timezone.now(),
        user_id=user.pk if user is not None else None,
        content_type=content_type,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        action=action,
        changes=changes,
    )
    if pending is not None:
        pending[key] = created
    return created


def label(model, name):
    return str(capfirst(model._meta.get_field(name).verbose_name))


def permission_label(permission):
    """园区快讯：修改文章 (Django stores the names of its own permissions in English)."""
    content_type = permission.content_type
    model = content_type.model_class()
    app = content_type.app_label
    if model is not None:
        app = str(apps.get_app_config(content_type.app_label).verbose_name)
        action = permission.codename.split("_", 1)[0]
        if permission.codename == f"{action}_{model._meta.model_name}" and action in ACTION_WORDS:
            return f"{app}：{ACTION_WORDS[action]}{model._meta.verbose_name}"
    return f"{app}：{permission.name}"


def names(model, pks):
    """The objects ``pks`` of ``model`` in words, joined with 、."""
    if model is Permission:
        objects = Permission.objects.filter(pk__in=pks).select_related("content_type")
        return "、".join(sorted(permission_label(permission) for permission in objects))
    return "、".join(sorted(str(obj) for obj in model._default_manager.filter(pk__in=pks)))


# --- Users and groups: created, changed, deleted --------------------------------------------------


def remember_user(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._audit_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & {*USER_FIELDS, "password"}:
        return  # e.g. last_login on every login
    instance._audit_before = User._default_manager.filter(pk=instance.pk).values(*USER_FIELDS, "password").first()


def record_user(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        changes = [
            [label(User, name), display_value(User._meta.get_field(name), getattr(instance, name))]
            for name in NEW_USER_FIELDS
        ]
        record(instance, ChangeRecord.Action.CREATED, changes)
        return
    before = getattr(instance, "_audit_before", None)
    if before is None:
        return
    changes = []
    for name in USER_FIELDS:
        old, new = before[name], getattr(instance, name)
        if old != new:
            field = User._meta.get_field(name)
            changes.append([label(User, name), display_value(field, old), display_value(field, new)])
    # set_password() leaves the new password in _password until save() is over; Django's silent
    # re-hashing on login does not (and writes the same password).
    if before["password"] != instance.password and getattr(instance, "_password", None) is not None:
        changes.append(["密码", "已修改"])
    elif before["password"] != instance.password and not instance.has_usable_password():
        changes.append(["密码", "已停用（不能再用密码登录）"])
    if changes:
        record(instance, ChangeRecord.Action.CHANGED, changes)


def remember_group(sender, instance, raw=False, **kwargs):
    instance._audit_before = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._audit_before = Group.objects.filter(pk=instance.pk).values_list("name", flat=True).first()


def record_group(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        record(instance, ChangeRecord.Action.CREATED, [])
        return
    before = getattr(instance, "_audit_before", None)
    if before is not None and before != instance.name:
        record(instance, ChangeRecord.Action.CHANGED, [[label(Group, "name"), before, instance.name]])


def record_deletion(sender, instance, **kwargs):
    record(instance, ChangeRecord.Action.DELETED, [])


# --- Group membership and permissions ------------------------------------------------------------


def record_membership(sender, instance, action, reverse, model, pk_set, **kwargs):
    """m2m_changed of User.groups, User.user_permissions and Group.permissions, from either side."""
    if action == "pre_clear":
        field = _field_for(sender)
        if reverse:
            instance._audit_cleared = list(getattr(instance, _reverse_accessor(field)).values_list("pk", flat=True))
        else:
            instance._audit_cleared = list(getattr(instance, field.name).values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        pk_set = getattr(instance, "_audit_cleared", [])
    if not pk_set:
        return
    field = _field_for(sender)
    added_words, removed_words = MEMBERSHIP_WORDS["groups" if field.related_model is Group else "permissions"]
    words = added_words if action == "post_add" else removed_words
    if not reverse:
        record(instance, ChangeRecord.Action.CHANGED, [[words, names(model, pk_set)]])
        return
    # group.user_set.add(user), permission.group_set.add(group)…: a record on each changed side.
    what = permission_label(instance) if isinstance(instance, Permission) else str(instance)
    for obj in field.model._default_manager.filter(pk__in=pk_set):
        record(obj, ChangeRecord.Action.CHANGED, [[words, what]])


def _field_for(through):
    for model, name in ((User, "groups"), (User, "user_permissions"), (Group, "permissions")):
        field = model._meta.get_field(name)
        if field.remote_field.through is through:
            return field
    raise LookupError(through)


def _reverse_accessor(field):
    return field.remote_field.get_accessor_name()


def connect():
    pre_save.connect(remember_user, sender=User, dispatch_uid="audit_remember_user")
    post_save.connect(record_user, sender=User, dispatch_uid="audit_record_user")
    post_delete.connect(record_deletion, sender=User, dispatch_uid="audit_record_user_deletion")
    pre_save.connect(remember_group, sender=Group, dispatch_uid="audit_remember_group")
    post_save.connect(record_group, sender=Group, dispatch_uid="audit_record_group")
    post_delete.connect(record_deletion, sender=Group, dispatch_uid="audit_record_group_deletion")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(record_membership, sender=through, dispatch_uid=f"audit_membership_{through.__name__}")
