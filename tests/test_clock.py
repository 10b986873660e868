"""The suite runs on a frozen clock (tests/conftest.py), so no test depends on the day it runs."""

from datetime import timedelta

from django.utils import timezone

from tests.conftest import TEST_NOW


def test_every_test_starts_at_the_suites_frozen_moment():
    """A test that builds "now minus a day" gets the frozen day, whatever the machine's date."""
    assert abs(timezone.now() - TEST_NOW) < timedelta(minutes=5)
