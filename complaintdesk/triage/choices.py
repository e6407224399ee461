from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """The five classification dimensions of SPEC §3, plus the coded root cause."""

    CONTENT = "content", _("Content")
    NATURE = "nature", _("Nature")
    OBJECT = "object", _("Object")
    DEPARTMENT = "department", _("Handling department")
    TIME_LIMIT = "time_limit", _("Time limit")
    ROOT_CAUSE = "root_cause", _("Root cause")


class Emotion(models.TextChoices):
    ANGER = "anger", _("Anger")
    ANXIETY = "anxiety", _("Anxiety")
    DISAPPOINTMENT = "disappointment", _("Disappointment")
    NEUTRAL = "neutral", _("Neutral")


class Motive(models.TextChoices):
    COMPENSATION = "compensation", _("Wants compensation")
    RESPECT = "respect", _("Wants respect")
    VENT = "vent", _("Wants to vent")
    IMPROVEMENT = "improvement", _("Wants improvement")


class Behaviour(models.TextChoices):
    PASSIVE = "passive", _("Passive")
    TALKER = "talker", _("Talker")
    ANGRY = "angry", _("Angry")
    ACTIVIST = "activist", _("Activist")


class CrisisSignal(models.TextChoices):
    MEDIA = "media", _("Media")
    REGULATOR = "regulator", _("Regulator")
    LEGAL = "legal", _("Legal action")
    MASS = "mass", _("Many customers")
    SAFETY = "safety", _("Safety")
