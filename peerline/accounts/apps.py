from datetime import datetime, timedelta

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peerline.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from peerline.core.jobs import periodic

        from . import services, sessions  # noqa: F401 (sessions connects its signal receiver)

        # Invitations are e-mailed by the worker, never in the coordinator's request.
        @periodic("accounts.invitations", every=timedelta(seconds=30))
        def deliver_invitations(now: datetime) -> None:
            services.invitations_deliver(now)

        # CJIS AC-2(3): unused accounts are disabled, with a notice a week before.
        @periodic("accounts.inactivity", every=timedelta(hours=6))
        def disable_inactive(now: datetime) -> None:
            services.inactive_accounts_disable(now)
