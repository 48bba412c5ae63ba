from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("limits/", views.limits, name="limits"),
    path("limits/<int:pk>/", views.limit_edit, name="limit-edit"),
    path("limits/<int:pk>/remove/", views.limit_remove, name="limit-remove"),
    path("limits/<int:pk>/move/", views.limit_move, name="limit-move"),
    path("jurisdictions/", views.jurisdiction_table, name="jurisdictions"),
]
