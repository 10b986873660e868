"""One two-step workflow, 初审 (部门负责人) → 签发 (分管领导), for every 栏目 and 协会文件, NOT enabled:
publishing works as before until staff switch it on (发布审核 › 审核流程 › 启用)."""

from django.contrib.auth.models import Group

from association.models import Document
from news.models import Category

from .models import CategoryAssignment, DocumentAssignment, Workflow

WORKFLOW_NAME = "三审（初审、签发）"


def create_workflow():
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, enabled=False)
    for order, (name, group) in enumerate([("初审", "部门负责人"), ("签发", "分管领导")], start=1):
        workflow.steps.create(order=order, name=name, group=Group.objects.get_or_create(name=group)[0])
    for category in Category.objects.filter(workflow_assignment__isnull=True):
        CategoryAssignment.objects.create(workflow=workflow, category=category)
    for document in Document.objects.filter(workflow_assignment__isnull=True):
        DocumentAssignment.objects.create(workflow=workflow, document=document)


PIECES = [("workflow:default", create_workflow)]
