from django.urls import path

from . import views, views_self

app_name = "team"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("<int:pk>/", views.member, name="member"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("agreements/", views.agreements, name="agreements"),
    path("volunteer/", views_self.volunteer, name="volunteer"),
    path("agreement/", views_self.agreement, name="agreement"),
    path("recommendations/", views_self.recommendations, name="recommendations"),
    path("recommendations/<int:pk>/", views_self.recommendation, name="recommendation"),
    path("interviews/", views_self.interviews, name="interviews"),
    path("interviews/<int:pk>/", views_self.score, name="score"),
]
