from django.db import models


class PendingPurge(models.Model):
    """
    Surrogate keys whose purge could not be delivered (the shared cache was down or slow).
    Kept until a later delivery succeeds: httpcache.purge.deliver_pending().
    """

    keys = models.TextField(help_text="Space-separated surrogate keys.")
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "pending purge"

    def __str__(self):
        return f"purge {self.keys[:60]} ({self.attempts} attempts)"
