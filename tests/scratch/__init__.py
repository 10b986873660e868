"""A scratch copy of the site served by gunicorn, for tests/test_two_workers.py."""
