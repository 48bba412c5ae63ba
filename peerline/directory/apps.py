from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "peerline.directory"
    label = "directory"
    verbose_name = "Find a peer"
