"""Awareness bulletins: warnings and awareness material (scams, fake news, phishing examples) the SOC publishes to
units, who opened them, and a short quiz per bulletin with per-unit results.

A :class:`Bulletin` is written by the SOC and, once published, has one :class:`BulletinRecipient` per unit it was
sent to (the unit's read receipt). Opening it records a :class:`BulletinRead` per person; unit staff answer its
quiz (:class:`QuizQuestion`, :class:`QuizChoice`) once each (:class:`QuizAttempt`). Officers see the bulletins
sent to their units and their units' receipts and results; the SOC sees them all.

Every write goes through :mod:`canhgac.awareness.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canhgac.constituency.models import UnitKind
from canhgac.core.scoping import ScopedQuerySet, ScopePolicy

TITLE_MAX = 200
BODY_MAX = 20000


class Topic(models.TextChoices):
    SCAM = "scam", _("Online scams")
    FAKE_NEWS = "fake_news", _("Fake news")
    PHISHING = "phishing", _("Phishing")
    MALWARE = "malware", _("Malware")
    OTHER = "other", _("Other")


class BulletinKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    AWARENESS = "awareness", _("Awareness material")


class Audience(models.TextChoices):
    ALL = "all", _("Every active unit")
    KINDS = "kinds", _("Units of some kinds")
    CHOSEN = "chosen", _("Chosen units")


class Bulletin(models.Model):
    """A message from the SOC; its body is plain text (paragraphs separated by blank lines), never HTML."""

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    kind = models.CharField(_("kind"), max_length=12, choices=BulletinKind.choices, default=BulletinKind.AWARENESS)
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices, default=Topic.SCAM)
    body = models.TextField(_("text"), max_length=BODY_MAX,
                            help_text=_("Plain text; a blank line starts a new paragraph."))
    audience = models.CharField(_("sent to"), max_length=10, choices=Audience.choices, default=Audience.ALL)
    unit_kinds = models.JSONField(_("unit kinds"), default=list, blank=True)
    chosen_units = models.ManyToManyField("constituency.Unit", verbose_name=_("chosen units"), blank=True,
                                          related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    # Officers read the bulletins sent to their units (lists and lookups add ``distinct()``: a bulletin sent to
    # two of an officer's units is one bulletin); the SOC writes them.
    scope = ScopePolicy(unit_path="recipients__unit")

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("awareness:bulletin_detail", kwargs={"pk": self.pk})

    def kind_labels(self) -> list[str]:
        labels = dict(UnitKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.unit_kinds]

    def audit_extra(self) -> dict[str, object]:
        if self.pk is None:
            return {}
        return {"chosen_units": sorted(self.chosen_units.values_list("code", flat=True))}


class BulletinAttachment(models.Model):
    """A file published with a bulletin (a screenshot of a scam, a leaflet), kept in the database like notices'."""

    bulletin = models.ForeignKey(Bulletin, verbose_name=_("bulletin"), on_delete=models.CASCADE,
                                 related_name="attachments")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size"))

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="bulletin__recipients__unit")

    class Meta:
        ordering = ["id"]
        verbose_name = _("bulletin attachment")
        verbose_name_plural = _("bulletin attachments")

    def __str__(self) -> str:
        return self.name


class BulletinRecipient(models.Model):
    """One unit a published bulletin went to, and its read receipt (the first time someone of the unit opened it)."""

    bulletin = models.ForeignKey(Bulletin, verbose_name=_("bulletin"), on_delete=models.CASCADE,
                                 related_name="recipients")
    unit = models.ForeignKey("constituency.Unit", verbose_name=_("unit"), on_delete=models.CASCADE,
                             related_name="bulletins_received")
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    first_read_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    first_read_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("first opened by"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="unit")

    class Meta:
        ordering = ["unit__code", "id"]
        verbose_name = _("bulletin recipient")
        verbose_name_plural = _("bulletin recipients")
        constraints = [models.UniqueConstraint(fields=["bulletin", "unit"], name="bulletin_recipient_unique")]

    def __str__(self) -> str:
        return f"{self.bulletin} → {self.unit}"


class BulletinRead(models.Model):
    """A person opened the bulletin (first time), for one of their units."""

    bulletin = models.ForeignKey(Bulletin, verbose_name=_("bulletin"), on_delete=models.CASCADE,
                                 related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="+")
    unit = models.ForeignKey("constituency.Unit", verbose_name=_("unit"), on_delete=models.CASCADE,
                             related_name="+")
    read_at = models.DateTimeField(_("opened"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="unit")

    class Meta:
        ordering = ["read_at", "id"]
        verbose_name = _("bulletin read")
        verbose_name_plural = _("bulletin reads")
        constraints = [models.UniqueConstraint(fields=["bulletin", "user"], name="bulletin_read_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.bulletin}"


class QuizQuestion(models.Model):
    bulletin = models.ForeignKey(Bulletin, verbose_name=_("bulletin"), on_delete=models.CASCADE,
                                 related_name="questions")
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("question"), max_length=500)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")

    def __str__(self) -> str:
        return self.text


class QuizChoice(models.Model):
    question = models.ForeignKey(QuizQuestion, verbose_name=_("question"), on_delete=models.CASCADE,
                                 related_name="choices")
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("answer"), max_length=300)
    correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    """One person's answers to a bulletin's quiz (once), counted for one of the units it was sent to."""

    bulletin = models.ForeignKey(Bulletin, verbose_name=_("bulletin"), on_delete=models.CASCADE,
                                 related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="+")
    unit = models.ForeignKey("constituency.Unit", verbose_name=_("unit"), on_delete=models.CASCADE,
                             related_name="+")
    score = models.PositiveSmallIntegerField(_("correct answers"))
    total = models.PositiveSmallIntegerField(_("questions"))
    answers = models.JSONField(_("answers"), default=dict)
    submitted_at = models.DateTimeField(_("answered"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    # Officers answer (add) for themselves; nobody rewrites an answer afterwards.
    scope = ScopePolicy(unit_path="unit", officer_may_edit=True, officer_may_delete=False)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("quiz answer sheet")
        verbose_name_plural = _("quiz answer sheets")
        constraints = [models.UniqueConstraint(fields=["bulletin", "user"], name="quiz_attempt_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.score}/{self.total}"
