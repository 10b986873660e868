from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "memberarea"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.LoginCodeView.as_view(), name="login_code"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordResetView.as_view(**views.PASSWORD_RESET), name="password_reset"),
    path(
        "password/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="memberarea/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="memberarea/password_reset_confirm.html",
            success_url=reverse_lazy("memberarea:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="memberarea/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("security/", views.SecurityView.as_view(), name="security"),
    path("roster/", views.RosterView.as_view(), name="roster"),
    path("entry/", views.propose_changes, name="entry"),
    path("certificate/", views.certificate, name="certificate"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("posts/<int:pk>/", views.PostView.as_view(), name="post"),
    path("<slug:slug>/", views.SectionView.as_view(), name="section"),
]
