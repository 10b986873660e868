from django.urls import path

from . import views

app_name = "imagelibrary"
urlpatterns = [path("choose/", views.choose, name="choose")]
