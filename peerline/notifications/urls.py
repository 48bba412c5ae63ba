from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.channels, name="channels"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("people/<int:user_id>/add/", views.add, name="add"),
    path("people/<int:user_id>/test/", views.test_email, name="test-email"),
    path("channels/<int:pk>/", views.edit, name="edit"),
    path("channels/<int:pk>/remove/", views.remove, name="remove"),
    path("channels/<int:pk>/test/", views.test_channel, name="test"),
]
