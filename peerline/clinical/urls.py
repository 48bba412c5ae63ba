from django.urls import path

from . import views, views_consult

app_name = "clinical"
urlpatterns = [
    path("clinicians/", views.clinicians, name="clinicians"),
    path("clinicians/new/", views.clinician_new, name="clinician-new"),
    path("clinicians/<int:pk>/", views.clinician, name="clinician"),
    path("on-call/", views.on_call, name="on-call"),
    path("on-call/<int:pk>/delete/", views.shift_delete, name="shift-delete"),
    path("now/", views.who_is_on_call, name="now"),
    path("calendar/<str:token>/on-call.ics", views.ical_feed, name="ical"),
    path("consultations/log/", views_consult.consultation_log, name="consultation-log"),
    path("consultations/", views_consult.consultations, name="consultations"),
]
