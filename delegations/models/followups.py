"""Follow-ups agreed at a visit (the post-visit report lists them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cityrelations.core.concurrency import Versioned
from cityrelations.core.fields import staff_link

from .visits import Visit


class FollowUp(Versioned, models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="follow_ups")
    description = models.CharField(_("description"), max_length=300)
    owner = staff_link(_("owner"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["done", "due_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return self.description
