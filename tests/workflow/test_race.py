"""Two reviewers deciding the same step at the same moment: one decision wins, the other is told."""

import contextlib
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections

from news.models import Article
from workflow import services
from workflow.models import Decision


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_one_decision_wins_and_the_other_is_told(
    monkeypatch, workflow, news, writer, head, make_staff
):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (.ci/run); SQLite serializes writers")
    other = make_staff("head2")
    other.groups.add(Group.objects.get(name="部门负责人"))
    article = Article.objects.create(title="同时审核", category=news, body="<p>x</p>")
    review = services.submit(article, writer)
    step = review.current_step_id

    # Both reviewers meet after reading the review's state (bounded): without the row lock both
    # would read "step 1 waiting" and both decisions would be saved.
    start, checked = threading.Barrier(2), threading.Barrier(2, timeout=1)
    can_review = services.can_review

    def can_review_together(user, current):
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait()
        return can_review(user, current)

    monkeypatch.setattr(services, "can_review", can_review_together)
    outcomes = {}

    def decide(user, approve):
        try:
            start.wait()
            services.decide(review.pk, user, approve=approve, comment="意见", step_id=step)
            outcomes[user.username] = "decided"
        except services.WorkflowError as error:
            outcomes[user.username] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=args) for args in ((head, True), (other, False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(map(str, outcomes.values())).count("decided") == 1, outcomes
    loser = next(outcome for outcome in outcomes.values() if outcome != "decided")
    assert isinstance(loser, services.AlreadyDecided) and "您的决定没有保存" in str(loser)
    decided = Decision.objects.filter(review=review).exclude(action=Decision.Action.SUBMITTED)
    assert decided.count() == 1
