from django.urls import path

from . import views

app_name = "contacts"
urlpatterns = [
    path("log/", views.log, name="log"),
    path("saved/", views.saved, name="saved"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/follow-up-done/", views.follow_up_done, name="follow-up-done"),
]
