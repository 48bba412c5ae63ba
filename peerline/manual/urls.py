from django.urls import path

from . import views

app_name = "manual"

urlpatterns = [
    path("", views.index, name="index"),
    path("manual.pdf", views.pdf, name="pdf"),
    path("acknowledge/", views.acknowledge, name="acknowledge"),
    path("sections/new/", views.section, name="section-new"),
    path("sections/<int:pk>/", views.section, name="section"),
    path("draft/", views.draft, name="draft"),
    path("versions/<int:pk>/publish/", views.publish, name="publish"),
]
