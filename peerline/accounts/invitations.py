"""The invitation link: Django's password-reset token machinery with its own salt and expiry.

The token hashes the account's password, last log-in, e-mail and active flag, so it works
once: setting the password changes the hash and every earlier link stops working. It expires
after `PEERLINE_INVITATION_DAYS` (a reset link after `PASSWORD_RESET_TIMEOUT`, one hour).
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "peerline.accounts.invitation"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"

    def check_token(self, user: Any, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        age = self._num_seconds(self._now()) - ts
        if age < 0 or age > settings.PEERLINE_INVITATION_DAYS * 24 * 60 * 60:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_tokens = InvitationTokenGenerator()
