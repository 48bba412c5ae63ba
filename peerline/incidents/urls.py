from django.urls import path

from . import areas, views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_new, name="new"),
    path("areas/", areas.areas, name="areas"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/board/", views.incident_board, name="board"),
    path("<int:pk>/activate/", views.incident_activate, name="activate"),
    path("<int:pk>/team-size/", views.incident_team_size, name="team-size"),
    path("<int:pk>/follow-ups/", views.follow_ups, name="follow-ups"),
    path("<int:pk>/close/", views.incident_close, name="close"),
    path("mutual-aid/", views.mutual_aid, name="mutual-aid"),
    path("mutual-aid/<int:pk>/answer/", views.mutual_aid_answer, name="mutual-aid-answer"),
]
