from django.urls import path, register_converter

from hnda_site.numbers import DIGITS

from . import views


class VersionNumberConverter:
    """A version number: digits, short enough for the database's integer (longer ones are a 404)."""

    regex = DIGITS

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(VersionNumberConverter, "version_number")

app_name = "association"
urlpatterns = [
    path("", views.about, name="index"),
    path("<slug:slug>/", views.DocumentView.as_view(), name="document"),
    path("<slug:slug>/history/", views.HistoryView.as_view(), name="history"),
    path("<slug:slug>/v<version_number:number>/", views.VersionView.as_view(), name="version"),
    path("<slug:slug>/compare/<version_number:a>/<version_number:b>/", views.CompareView.as_view(), name="compare"),
]
