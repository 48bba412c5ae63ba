from django.urls import path  # noqa: F401

app_name = "stats"
urlpatterns: list = []

# The coordinator's utilization data (2011 §3.9).
from . import program_views  # noqa: E402

urlpatterns += [
    path("program/", program_views.program, name="program"),
    path("program.csv", program_views.program_csv, name="program-csv"),
]

# Released statistics for command staff and the steering committee (2011 §3.1).
from . import views  # noqa: E402

urlpatterns += [
    path("released/", views.released, name="released"),
    path("released/<str:period>.pdf", views.released_pdf, name="released-pdf"),
    path("periods/", views.period_list, name="periods"),
]
