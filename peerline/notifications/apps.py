from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "peerline.notifications"
    label = "notifications"
    verbose_name = "Notifications"
