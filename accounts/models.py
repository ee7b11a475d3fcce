"""Personal access tokens for the JSON API: a person names them, sees each once, and revokes them.

Only a SHA-256 digest of a token is stored. A token is 32 random bytes, so a fast hash is enough: there is no
password to guess, and the digest alone cannot be turned back into a token that the API accepts.
"""

from django.conf import settings
from django.db import models


class ApiTokenQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “my phone”.")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token; the token is not kept.")
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
