from django.urls import path

from . import views

app_name = "committee"

urlpatterns = [
    path("", views.committee, name="index"),
    path("settings/", views.program_settings, name="settings"),
    path("settings/edition/", views.edition, name="edition"),
    path("oversight/", views.oversight, name="oversight"),
    path("oversight/summary/", views.advisor_summary, name="advisor-summary"),
]
