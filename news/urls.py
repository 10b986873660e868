from django.urls import path

from . import views
from .feeds import CategoryFeed, LatestArticlesFeed

app_name = "news"
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("<int:pk>/", views.ArticleDetailView.as_view(), name="detail"),
    path("<slug:slug>/", views.CategoryArticleListView.as_view(), name="category"),
    path("<slug:slug>/feed/", CategoryFeed(), name="category_feed"),
]
