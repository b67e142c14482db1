"""Invariants the toolkit leaves optional: client secrets are always stored hashed, and never a
short (typed) one, since the fast client-secret hasher is only safe for random secrets."""
from __future__ import annotations

from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from django.db.models.signals import pre_save
from django.dispatch import receiver
from oauth2_provider.models import get_application_model

from oauth.hashers import MIN_SECRET_LENGTH

Application = get_application_model()


def is_hashed(secret: str) -> bool:
    try:
        identify_hasher(secret)
    except ValueError:
        return False
    return True


@receiver(pre_save, sender=Application)
def _hash_client_secret(sender, instance, **kwargs) -> None:
    instance.hash_client_secret = True
    secret = instance.client_secret or ""
    if secret and not is_hashed(secret) and len(secret) < MIN_SECRET_LENGTH:
        raise ValidationError(f"A client secret must be at least {MIN_SECRET_LENGTH} characters; leave it empty to generate one.")
