from django.urls import path

from . import views

app_name = "coverage"
urlpatterns = [
    # Counts only: the coordinator and the steering committee (2011 §3.2, §3.8.1, §3.8.3).
    path("", views.matrix, name="matrix"),
    path("forecast/", views.forecast, name="forecast"),
    # Names candidates: the coordinator only (2011 §3.9).
    path("recruitment/", views.recruitment, name="recruitment"),
]
