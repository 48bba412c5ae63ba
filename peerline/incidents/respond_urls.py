# The one-tap answer to a page: public, signed, expiring (no log-in on a phone at 3 a.m.).
from django.urls import path

from . import respond

app_name = "respond"
urlpatterns = [
    path("<str:token>/", respond.page, name="page"),
]
