from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("<int:pk>/accept/", views.agreement_accept, name="accept"),
    path("<int:pk>/decline/", views.agreement_decline, name="decline"),
    path("<int:pk>/end/", views.agreement_end, name="end"),
]
