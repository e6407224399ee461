from __future__ import annotations

import math
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User

# A rule's skill that any staff member will do for.
ANY_SKILL = "*"
# Who takes a rule's complaints when the rule names no queue.
DEFAULT_QUEUE_ROLES = (Role.HANDLER, Role.AGENT)

# A language tag as complaints carry it: "zh", "zh-Hans", "en-GB".
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


def language_of(code: str) -> str:
    """The spoken language staff are matched on: zh-Hans, zh-Hant, zh-HK → zh; en-GB → en."""
    return (code or "zh").replace("_", "-").split("-")[0].lower()


def spoken_languages() -> list[str]:
    """The languages complaints are taken in: those the product writes to customers in."""
    return list(dict.fromkeys(language_of(code) for code, _name in settings.LANGUAGES))


def is_known_language(code: str) -> bool:
    """A language tag of a language complaints are taken in, regional variants included."""
    return bool(_LANGUAGE_TAG.fullmatch(code)) and language_of(code) in spoken_languages()


def has_skill(skills: list[Any], needed: str) -> bool:
    if not needed or needed == ANY_SKILL:
        return True
    for skill in map(str, skills):
        # "network" covers "network.speed"; "network.speed" will do for a plain "network".
        if skill == needed or needed.startswith(f"{skill}.") or skill.startswith(f"{needed}."):
            return True
    return False


def _share_field(label: Any, help_text: Any) -> models.FloatField[Any, Any]:
    return models.FloatField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=help_text,
    )


class RoutingRule(models.Model):
    """A routing rule (流转规则): complaints that meet all its conditions go to its department.

    Rules are tried in `order` (then by id); the first active rule whose department is
    active and whose conditions all hold decides. An empty condition matches anything;
    list conditions match when any listed value does. Within the department the complaint
    goes to an available staff member with the skill and language it needs (routing/services.py).
    """

    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveIntegerField(_("order"), default=100, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)

    category_key = models.CharField(
        _("content category"),
        max_length=60,
        blank=True,
        help_text=_("Content key; a top-level key also matches its second-level categories."),
    )
    nature_key = models.CharField(_("nature"), max_length=60, blank=True)
    object_key = models.CharField(_("object"), max_length=60, blank=True)
    channels = models.JSONField(
        _("channels"), default=list, blank=True, help_text=_('Any of these, e.g. ["regulator"].')
    )
    customer_tiers = models.JSONField(
        _("customer tiers"), default=list, blank=True, help_text=_('Any of these, e.g. ["vip"].')
    )
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("zh or en; blank: any language.")
    )
    keywords = models.JSONField(
        _("keywords"),
        default=list,
        blank=True,
        help_text=_("Any of these words in the subject or description (case does not matter)."),
    )
    confidence_below = _share_field(
        _("triage confidence below"), _("Matches when triage was less sure than this (0-1).")
    )
    confidence_at_least = _share_field(
        _("triage confidence at least"), _("Matches when triage was at least this sure (0-1).")
    )

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("target department"),
        on_delete=models.PROTECT,
        related_name="routing_rules",
    )
    skill = models.CharField(
        _("required skill"),
        max_length=60,
        blank=True,
        help_text=_("Skill the assignee needs; blank: the complaint's category; *: none."),
    )
    queue_role = models.CharField(
        _("queue"),
        max_length=20,
        blank=True,
        choices=[(Role.SUPERVISOR, _("Supervisors")), (Role.HANDLER, _("Handlers"))],
        help_text=_("Only staff of this role take these complaints; blank: handlers and agents."),
    )
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        known = spoken_languages()
        if self.language and (
            not _LANGUAGE_TAG.fullmatch(self.language) or language_of(self.language) not in known
        ):
            errors["language"] = _(
                "Unknown language %(code)s; routing matches the spoken language: use one of "
                "%(known)s, or leave it empty for any."
            ) % {"code": self.language, "known": ", ".join(known)}
        for name in ("confidence_below", "confidence_at_least"):
            value = getattr(self, name)
            # NaN slips past the range validators: every comparison with it is false.
            if value is not None and not math.isfinite(value):
                errors[name] = _("Give a share from 0 to 1.")
        skill_problem = self._skill_problem()
        if skill_problem:
            errors["skill"] = skill_problem
        low, high = self.confidence_at_least, self.confidence_below
        if not errors and low is not None and high is not None and low >= high:
            errors["confidence_at_least"] = _(
                "Triage confidence at least %(low)s and below %(high)s can never both hold; "
                "the lower bound must be less than the upper."
            ) % {"low": low, "high": high}
        if errors:
            raise ValidationError(errors)
        same = self.same_rule()
        if same is not None:
            raise ValidationError(
                _(
                    "Routing rule %(name)s (#%(id)d) already sends the same complaints to the "
                    "same place: this one would never decide anything. Change that rule "
                    "instead, or make this one differ in a condition or its target."
                )
                % {"name": same.name, "id": same.pk}
            )

    def _matching_terms(self) -> tuple[Any, ...]:
        """What decides which complaints the rule takes and where they go: name, order and
        description aside; lists as sets, keywords in any case, languages as spoken."""

        def values(items: Any) -> tuple[str, ...]:
            return tuple(sorted({str(item) for item in items or []}))

        return (
            self.category_key,
            self.nature_key,
            self.object_key,
            values(self.channels),
            values(self.customer_tiers),
            language_of(self.language) if self.language else "",
            values(str(word).casefold() for word in self.keywords or [] if word),
            self.confidence_below,
            self.confidence_at_least,
            self.department_id,
            self.skill,
            self.queue_role,
        )

    def same_rule(self) -> RoutingRule | None:
        """Another active rule with this one's conditions and target, if this one is active.

        Rules are tried in order and the first that matches decides, so of two such rules
        the later one never fires, whatever its order. An inactive copy is allowed (a rule
        being prepared); turning it on is then refused while the other is active.
        """
        if not self.is_active or self.department_id is None:
            return None
        terms = self._matching_terms()
        candidates = RoutingRule.objects.filter(
            is_active=True,
            department_id=self.department_id,
            category_key=self.category_key,
            nature_key=self.nature_key,
            object_key=self.object_key,
            skill=self.skill,
            queue_role=self.queue_role,
        ).exclude(pk=self.pk)
        return next((rule for rule in candidates if rule._matching_terms() == terms), None)

    def _skill_problem(self) -> str:
        """Why nobody could ever take this rule's complaints for want of its skill, if so.

        A skill that no active staff member of the rule's queue in its department has makes
        matching complaints wait unassigned forever. A department with no such staff at all
        is accepted: rules are set up (by presets, before the demo or the first hires) ahead
        of the people, and then it is staffing that is missing, not a wrong skill. A skill the
        rule already holds is not checked again, so editing another field still works after
        the last person with it left.
        """
        if not self.skill or self.skill == ANY_SKILL or self.department_id is None:
            return ""
        if self.pk is not None:
            stored = RoutingRule.objects.filter(pk=self.pk).values("skill", "department_id")
            if list(stored) == [{"skill": self.skill, "department_id": self.department_id}]:
                return ""
        roles = (self.queue_role,) if self.queue_role else DEFAULT_QUEUE_ROLES
        staff = User.objects.filter(
            department_id=self.department_id, is_active=True, role__in=roles
        ).values_list("skills", flat=True)
        skills = list(staff)
        if not skills or any(has_skill(held or [], self.skill) for held in skills):
            return ""
        known = sorted({str(skill) for held in skills for skill in held or []})
        return str(
            _(
                "Nobody in %(department)s has the skill %(skill)s, so its complaints would "
                "never be assigned. Use a skill its staff have (%(known)s), * for anyone, or "
                "leave it empty for the complaint's category."
            )
        ) % {
            "department": self.department,
            "skill": self.skill,
            "known": ", ".join(known) or "—",
        }
