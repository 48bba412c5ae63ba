from django.apps import AppConfig


class WebConfig(AppConfig):
    """The top layer: what combines the domain apps (home dashboard, demo, URL and API wiring).

    No app below imports it (docs/architecture.md; the import contract in pyproject.toml).
    """

    name = "peerline.web"
    label = "web"
    verbose_name = "Peerline (what combines the apps)"
