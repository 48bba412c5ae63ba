from django.apps import AppConfig


class RosterConfig(AppConfig):
    """The personnel roster's pages, API and import from HR (README: "The personnel roster").

    Its rows are `peerline.agencies` models; this app holds what needs the accounts and the
    policy above them (docs/architecture.md).
    """

    name = "peerline.roster"
    label = "roster"
    verbose_name = "Personnel roster"
