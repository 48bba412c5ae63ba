from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "peerline.contacts"
    label = "contacts"
    verbose_name = "Contact log"
