"""Staff editing the scratch site through the ORM: reads one Python statement block per line (JSON), runs it.

The block may set ``result``; the reply is one JSON line ``{"result": ...}`` or ``{"error": "..."}``.
"""

import json
import sys
import traceback

import django

django.setup()

from django.utils import timezone  # noqa: E402

from hnda_site.models import SiteSettings  # noqa: E402
from news import viewcounter  # noqa: E402
from news.models import Article, Category  # noqa: E402

names = {"Article": Article, "Category": Category, "SiteSettings": SiteSettings, "timezone": timezone}
names["viewcounter"] = viewcounter
for line in sys.stdin:
    scope = dict(names)
    try:
        exec(json.loads(line), scope)  # noqa: S102 - the test's own code
        reply = {"result": scope.get("result")}
    except Exception:
        reply = {"error": traceback.format_exc()}
    print(json.dumps(reply, default=str), flush=True)
