from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("self-assessment.pdf", views.pdf, name="pdf"),
    path("attest/", views.attest, name="attest"),
    path("snapshot/", views.take_snapshot, name="snapshot"),
]
