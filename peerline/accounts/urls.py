from django.urls import path

from . import account_views as views

app_name = "accounts"
urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/invite-person/", views.invite_person, name="invite-person"),
    path("people/unlock/", views.unlock, name="unlock"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("confirm/", views.confirm, name="confirm"),
    path("reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path("password/set/", views.PasswordSetView.as_view(), name="password-set"),
]
