from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "peerline.signin"
    label = "signin"
    verbose_name = "Sign-in: single sign-on and two factors"
