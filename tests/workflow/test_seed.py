"""The seeded workflow: 初审 → 签发 for every seeded 栏目 and 协会文件, switched off, loaded once."""

import pytest

from association.models import Document
from hnda_site.seeding import load_all
from news.models import Article, Category
from workflow import services
from workflow.models import Workflow

pytestmark = pytest.mark.django_db


def test_seed_assigns_every_category_and_document_and_leaves_the_workflow_off(seeded):
    flow = Workflow.objects.get()
    assert not flow.enabled
    assert set(flow.category_assignments.values_list("category_id", flat=True)) == set(
        Category.objects.values_list("pk", flat=True)
    )
    assert set(flow.document_assignments.values_list("document_id", flat=True)) == set(
        Document.objects.values_list("pk", flat=True)
    )
    assert services.workflow_for(Article(category=Category.objects.first())) is None  # off: direct publishing


def test_seed_runs_once_and_keeps_staff_changes(seeded):
    Workflow.objects.update(enabled=True, name="我们的流程")
    load_all()
    assert list(Workflow.objects.values_list("name", "enabled")) == [("我们的流程", True)]
