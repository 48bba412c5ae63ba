from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peerline.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
