from django.urls import path

from . import views

# At the root: a service worker controls only the paths under its own URL.
urlpatterns = [
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("offline/", views.offline, name="offline"),
]
