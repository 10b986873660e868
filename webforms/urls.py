from django.urls import path

from . import views

app_name = "webforms"
urlpatterns = [
    path("join/", views.apply_for_membership, name="apply"),
    path("join/status/<str:token>/", views.application_status, name="application_status"),
    path("ask/", views.ask, name="ask"),
    path("faq/", views.faq, name="faq"),
    path("thanks/", views.thanks, name="thanks"),
    path("privacy/", views.privacy, name="privacy"),
    path("register/<int:article_id>/", views.register, name="register"),
]
