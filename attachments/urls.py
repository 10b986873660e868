from django.urls import re_path

from . import views

app_name = "attachments"
# No language prefix: a file is the same file on both sites. At most nine digits (hnda_site.numbers).
urlpatterns = [
    re_path(r"^files/(?P<pk>[0-9]{1,9})/$", views.download, name="download"),
]
