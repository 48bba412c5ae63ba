from django.urls import path

from . import views, views_partners, views_self

app_name = "training"
urlpatterns = [
    # The coordinator's (2011 §3.9, §8.2).
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/new/", views.session_new, name="session-new"),
    path("sessions/<int:pk>/", views.session_edit, name="session"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("compliance/", views.compliance_view, name="compliance"),
    path("partner-credit/", views_partners.partner_credit, name="partner-credit"),
    path("report.csv", views.report_csv, name="report-csv"),
    path("transcripts/<int:pk>/", views.transcript, name="transcript"),
    path("transcripts/<int:pk>.pdf", views.transcript_pdf, name="transcript-pdf"),
    # The catalogue: the steering committee and the coordinator (2011 §8.1).
    path("topics/", views_self.topics, name="topics"),
    # A peer supporter's own (2011 §8.2).
    path("mine/", views_self.mine, name="mine"),
    path("mine/transcript/", views_self.my_transcript, name="my-transcript"),
    path("mine/transcript.pdf", views_self.my_transcript_pdf, name="my-transcript-pdf"),
]
