# The door without a personal account, the one-tap answer, and the coordinator's access link.
from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("stored/", views.stored, name="stored"),
    path("answer/<str:token>/", views.answer, name="answer"),
    path("manage/", views.manage, name="manage"),
    path("manage/rotate/", views.rotate, name="rotate"),
    path("manage/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("manage/settings/", views.settings_save, name="settings"),
    path("a/<str:code>/", views.kiosk_home, name="kiosk"),
    path("a/<str:code>/peers/", views.kiosk_peers, name="peers"),
    path("a/<str:code>/request/", views.kiosk_request, name="request"),
    path("a/<str:code>/request/<str:ref>/", views.kiosk_status, name="status"),
    path("a/<str:code>/limits/", views.kiosk_limits, name="limits"),
    path("a/<str:code>/resources/", views.kiosk_resources, name="resources"),
]
