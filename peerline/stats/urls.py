from django.urls import path

from . import program_views, views

app_name = "stats"
urlpatterns = [
    # The coordinator's utilization data (2011 §3.9).
    path("program/", program_views.program, name="program"),
    path("program.csv", program_views.program_csv, name="program-csv"),
    # Released statistics for command staff and the steering committee (2011 §3.1).
    path("released/", views.released, name="released"),
    path("released/<str:period>.pdf", views.released_pdf, name="released-pdf"),
    path("released/<str:period>.csv", views.released_csv, name="released-csv"),
    path("periods/", views.period_list, name="periods"),
]
