from django.urls import path

from . import resource_views

app_name = "resources"
urlpatterns = [
    path("", resource_views.index, name="index"),
    path("new/", resource_views.new, name="new"),
    path("<int:pk>/edit/", resource_views.edit, name="edit"),
    path("<int:pk>/delete/", resource_views.delete, name="delete"),
]
