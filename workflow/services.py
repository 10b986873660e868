"""The rules of 先审后发, in one place: who may publish, submitting, deciding, restarting.

Every path that publishes (the admin form, list actions, imports, a forged POST, code) ends in
the content model's ``save()``, where ``workflow.guard`` asks :func:`publish_refusal`; the
admin asks it first to show the reason as a form error.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from editorial.changes import chinese_date

from . import notify
from .content import adapter_for
from .expressions import check_expressions, forbidden
from .models import Decision, Review


class WorkflowError(Exception):
    """A step refused; the message is for staff (Chinese)."""


class AlreadyDecided(WorkflowError):
    """Another reviewer decided first (or the item changed step meanwhile)."""


class PublishingRefused(PermissionDenied):
    """A save would publish, or change published content, without the right to."""


def workflow_for(item):
    """The enabled workflow that applies to ``item`` (its 栏目's or its document's), or None."""
    return adapter_for(item).workflow(item)


def can_publish_directly(user, item):
    """Publishing without review: only where no enabled workflow applies, with the publish permission."""
    adapter = adapter_for(item)
    return user.has_perm(adapter.publish_perm) and workflow_for(item) is None


def can_review(user, step):
    return step is not None and user.is_active and (user.is_superuser or user.groups.filter(pk=step.group_id).exists())


def forbidden_message(hits):
    found = "、".join(dict.fromkeys(f"“{hit.found}”（{hit.label}）" for hit in hits))
    return f"含有禁用词语：{found}。请修改后再提交。"


def _stored(item):
    if item.pk is None:
        return None
    return type(item)._base_manager.filter(pk=item.pk).first()


def content_changed(item, stored):
    adapter = adapter_for(item)
    return any(getattr(item, name) != getattr(stored, name) for name in adapter.content_fields)


def publish_refusal(item, user, stored=None):
    """Why saving ``item`` as it is now would be refused for ``user`` (None: allowed).

    Refused: making it public without approval where a workflow applies, or without the
    publish permission; changing published content without the publish permission (where a
    workflow applies: unless one reviews its last step, 签发); either with a forbidden expression.
    ``user`` None (a script, the seed loader) is never refused.
    """
    if user is None or getattr(item, "_workflow_authorized", False):
        return None
    adapter = adapter_for(item)
    stored = stored if stored is not None else _stored(item)
    was_public = stored is not None and adapter.is_published(stored)
    if adapter.is_published(item) and not was_public:
        workflow = workflow_for(item)
        if workflow is not None:
            return f"“{adapter.section(item)}”已启用审核流程“{workflow.name}”：请保存为草稿后送审，审核通过后自动发布。"
        if not user.has_perm(adapter.publish_perm):
            return "您没有发布权限：请保存为草稿，由有发布权限的人员审核发布。"
    elif was_public and adapter.is_published(item) and content_changed(item, stored):
        workflow = workflow_for(item)
        if workflow is not None:
            last = workflow.steps.order_by("-order", "-id").first()
            if not (user.is_superuser or can_review(user, last)):
                return (
                    f"“{adapter.section(item)}”已启用审核流程：已发布的内容只有最后一步"
                    f"（{last.name if last else '签发'}）的审核人能直接更正；请先撤回为草稿，修改后重新送审。"
                )
        elif not user.has_perm(adapter.publish_perm):
            return "修改已发布的内容需要发布权限：请先撤回为草稿，修改后重新送审。"
    else:
        return None
    hits = forbidden(check_expressions(adapter.texts(item)))
    return forbidden_message(hits) if hits else None


def _decision(review, action, user, comment="", step=None, number=None):
    decision = Decision(
        review=review,
        action=action,
        user=user,
        at=timezone.now(),
        comment=comment,
        step_name=step.name if step else "",
        step_number=number if step else None,
    )
    decision._history_user = user
    decision.save()
    return decision


def _save_review(review, user, reason):
    review._history_user = user
    review._change_reason = reason
    review.save()


def submit(item, user, comment=""):
    """Send ``item`` to the first step of its workflow (again, after a 退回修改); returns the Review."""
    adapter = adapter_for(item)
    if not user.has_perm(adapter.change_perm):
        raise WorkflowError("您没有修改这类内容的权限，不能送审。")
    if adapter.is_published(item):
        raise WorkflowError("已发布的内容不需要送审；要修改请先撤回为草稿。")
    workflow = workflow_for(item)
    if workflow is None:
        raise WorkflowError(f"“{adapter.section(item)}”没有启用审核流程：有发布权限的人员可直接发布。")
    first = workflow.first_step()
    if first is None:
        raise WorkflowError(f"审核流程“{workflow.name}”还没有步骤，请管理员先设置。")
    hits = forbidden(check_expressions(adapter.texts(item)))
    if hits:
        raise WorkflowError(forbidden_message(hits))
    with transaction.atomic():
        review = Review.objects.select_for_update().for_item(item).active().first()
        if review is not None and review.status == Review.Status.IN_REVIEW:
            raise WorkflowError(f"“{adapter.title(item)}”已在审核中（{review.state_label}）。")
        if review is None:
            review = Review(content_type_id=_content_type_id(item), object_id=item.pk, writer=user)
        review.title = adapter.title(item)[:300]
        review.section = adapter.section(item)[:100]
        review.workflow, review.workflow_name = workflow, workflow.name
        review.status, review.current_step, review.step_number = Review.Status.IN_REVIEW, first, 1
        review.submitted_at = timezone.now()
        _save_review(review, user, "送审")
        _decision(review, Decision.Action.SUBMITTED, user, comment)
    notify.step_waiting(review)
    return review


def _content_type_id(item):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(item).pk


def decide(review_id, user, approve, comment="", step_id=None):
    """Approve (to the next step, or publish after the last) or return to the writer; returns the Review.

    The review row is locked and its step checked under the lock: of two reviewers deciding at
    once, the second finds the step decided and gets :class:`AlreadyDecided`. ``step_id`` is the
    step the reviewer saw; a decision on a step already passed is refused the same way.
    """
    comment = (comment or "").strip()
    if not approve and not comment:
        raise WorkflowError("退回修改须填写意见，告诉撰稿人要改什么。")
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(pk=review_id).first()
        if review is None:
            raise WorkflowError("没有这份审核单。")
        if review.status != Review.Status.IN_REVIEW or (step_id is not None and review.current_step_id != step_id):
            raise AlreadyDecided(_decided_message(review))
        step = review.current_step
        if not can_review(user, step):
            group = step.group.name if step else "审核组"
            raise WorkflowError(
                f"第 {review.step_number} 步（{step.name if step else ''}）由“{group}”审核，您不在该组。"
            )
        item = review.item
        if item is None:
            raise WorkflowError(f"“{review.title}”已被删除，不能再审核。")
        adapter = adapter_for(item)
        number = review.step_number
        if not approve:
            review.status = Review.Status.RETURNED
            review.finished_at = timezone.now()
            _save_review(review, user, "退回修改")
            _decision(review, Decision.Action.RETURNED, user, comment, step, number)
            notify.returned(review, comment)
            return review
        _decision(review, Decision.Action.APPROVED, user, comment, step, number)
        following = review.workflow.step_after(step) if review.workflow else None
        if following is not None:
            review.current_step, review.step_number = following, number + 1
            _save_review(review, user, f"第 {number} 步{step.name}通过")
            notify.step_waiting(review)
            return review
        hits = forbidden(check_expressions(adapter.texts(item)))
        if hits:
            raise WorkflowError(forbidden_message(hits))
        try:
            adapter.publish(item, user, f"审核通过：{review.workflow_name}")
        except ValidationError as error:
            raise WorkflowError("审核通过但不能发布：" + "；".join(error.messages)) from error
        review.status = Review.Status.APPROVED
        review.finished_at = timezone.now()
        review.published_by, review.published_at = user, item.published_at
        _save_review(review, user, "审核通过并发布")
        _decision(review, Decision.Action.PUBLISHED, user, "", None)
    notify.approved(review)
    return review


def _decided_message(review):
    last = review.decisions.exclude(action=Decision.Action.SUBMITTED).select_related("user").last()
    if last is None:
        return f"“{review.title}”现在是“{review.state_label}”，您的决定没有保存。"
    at = timezone.localtime(last.at)
    return (
        f"“{review.title}”已由{last.user or '他人'}于{chinese_date(at)} {at:%H:%M:%S}"
        f"{last.get_action_display()}，现在是“{review.state_label}”；您的决定没有保存。"
    )


def record_edit(item, user):
    """An item in review was saved with new content: by the current step's reviewer it is recorded
    as the reviewer's edit; by anyone else the review starts again at the first step."""
    review = Review.objects.for_item(item).filter(status=Review.Status.IN_REVIEW).select_related("current_step").first()
    if review is None:
        return
    if user is not None and can_review(user, review.current_step):
        _decision(review, Decision.Action.REVIEWER_EDIT, user, "", review.current_step, review.step_number)
        return
    first = review.workflow.first_step() if review.workflow else None
    if first is None:
        return
    review.current_step, review.step_number = first, 1
    review.title = adapter_for(item).title(item)[:300]
    _save_review(review, user, "修改后重新审核")
    _decision(review, Decision.Action.RESTARTED, user, "", first, 1)
    notify.step_waiting(review)


def record_direct_publication(item, user):
    """A publication without workflow (by someone with the publish permission): its own 审核单."""
    adapter = adapter_for(item)
    review = Review(
        content_type_id=_content_type_id(item),
        object_id=item.pk,
        title=adapter.title(item)[:300],
        section=adapter.section(item)[:100],
        status=Review.Status.DIRECT,
        writer=getattr(item, "created_by", None) or user,
        submitted_at=timezone.now(),
        finished_at=timezone.now(),
        published_by=user,
        published_at=item.published_at,
    )
    _save_review(review, user, "直接发布")
    _decision(review, Decision.Action.PUBLISHED, user)


def cancel_open_review(item, user):
    """Close ``item``'s open review (the item was deleted), recording who did it."""
    for review in Review.objects.for_item(item).active():
        review.status, review.finished_at = Review.Status.CANCELLED, timezone.now()
        _save_review(review, user, "内容已删除，撤销审核")
        _decision(review, Decision.Action.CANCELLED, user, "内容已删除")
