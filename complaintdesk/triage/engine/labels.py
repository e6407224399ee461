"""Label sets of every triage head (docs/triage-labelling-guide.md is the definition)."""

from __future__ import annotations

INDUSTRIES: tuple[str, ...] = ("telecom", "ecommerce", "automotive")
CATEGORIES: dict[str, tuple[str, ...]] = {
    "telecom": ("service", "network", "billing", "product", "device", "other"),
    "ecommerce": ("delivery", "description", "quality", "service", "refund", "other"),
    "automotive": ("service", "quality", "repair", "parts", "sales", "other"),
}
NATURES: tuple[str, ...] = ("general", "major", "urgent")
EMOTIONS: tuple[str, ...] = ("anger", "anxiety", "disappointment", "neutral")
MOTIVES: tuple[str, ...] = ("compensation", "respect", "vent", "improvement")
BEHAVIOURS: tuple[str, ...] = ("passive", "talker", "angry", "activist")
CRISIS_SIGNALS: tuple[str, ...] = ("media", "regulator", "legal", "mass", "safety")
# Heads shared by every industry; category and subcategory heads exist per industry.
SHARED_HEADS: dict[str, tuple[str, ...]] = {
    "nature": NATURES,
    "emotion": EMOTIONS,
    "motive": MOTIVES,
    "behaviour": BEHAVIOURS,
}
