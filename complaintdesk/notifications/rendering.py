"""Rendering notice templates with Django's template engine, kept to a small safe subset.

A notice template is text an administrator edits, so it is treated as untrusted: it may use
only the variables in `VARIABLES` (plain strings the service prepares, never model objects, so
there is no attribute to reach through), `{% if %}` blocks and a few text filters. Anything
else — an unknown variable, a dotted lookup, `{% load %}`, `{% include %}` — is refused when
the template is saved (`template_check`) and again before rendering. Output is plain text for
SMS and e-mail, so autoescaping is off here; pages that show a notice escape it themselves.

A customer who reads traditional Chinese (zh-Hant) gets the simplified template converted
with OpenCC (`to_traditional`) while no zh-Hant template exists: our words, the complaint's
subject and the handler's note are converted, people's names are left as they are written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import opencc
from django.core.exceptions import ValidationError
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, Variable, VariableNode
from django.template.defaulttags import IfNode
from django.utils.translation import gettext_lazy as _

VARIABLES: dict[str, Any] = {
    "customer_name": _("the customer's name"),
    "tracking_number": _("the complaint's tracking number"),
    "subject": _("the complaint's subject"),
    "status": _("the complaint's status, in the customer's language"),
    "due_at": _("the expected time: the resolution due time, or the one the sender gives"),
    "handler_name": _("the name of the staff member handling the complaint"),
    "handler_contact": _(
        "how to reach the complaint desk: the service line or address (NOTICE_CONTACT), never "
        "a staff member's own e-mail"
    ),
    "note": _("the sender's own text: the result, the progress, what information is needed"),
    "link": _("a link: the survey, the consent page, the status page"),
    "amount": _("an amount of money, formatted"),
}
ALLOWED_FILTERS = frozenset(
    {"default", "default_if_none", "upper", "lower", "capfirst", "truncatechars", "wordwrap"}
)

_ENGINE = Engine(
    debug=False,
    autoescape=False,
    libraries={},
    string_if_invalid="",
)
_BLANK_LINES = re.compile(r"\n{3,}")


def _expressions(condition: Any) -> Iterator[FilterExpression]:
    """The filter expressions inside an {% if %} condition (a tree of operators)."""
    if condition is None:
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        yield value
    for side in ("first", "second"):
        child = getattr(condition, side, None)
        if child is not None:
            yield from _expressions(child)


def _check_variable(variable: Any, errors: list[str]) -> None:
    if not isinstance(variable, Variable) or variable.literal is not None:
        return
    lookups = variable.lookups or ()
    name = lookups[0] if lookups else str(variable)
    if name not in VARIABLES:
        errors.append(
            str(_("Unknown variable %(name)s; the variables are: %(known)s."))
            % {"name": name, "known": ", ".join(VARIABLES)}
        )
    elif len(lookups) > 1:
        errors.append(
            str(_("%(expression)s: variables are plain text, nothing can be looked up in them."))
            % {"expression": ".".join(lookups)}
        )


def _check_expression(expression: FilterExpression, errors: list[str]) -> None:
    _check_variable(expression.var, errors)
    for function, arguments in expression.filters:
        name = getattr(function, "_filter_name", getattr(function, "__name__", "?"))
        if name not in ALLOWED_FILTERS:
            errors.append(
                str(_("The filter %(name)s is not allowed; use one of: %(known)s."))
                % {"name": name, "known": ", ".join(sorted(ALLOWED_FILTERS))}
            )
        for is_lookup, argument in arguments:
            if is_lookup:
                _check_variable(argument, errors)


def _check_nodes(nodes: list[Node], errors: list[str]) -> None:
    for node in nodes:
        if isinstance(node, TextNode):
            continue
        if isinstance(node, VariableNode):
            _check_expression(node.filter_expression, errors)
        elif isinstance(node, IfNode):
            for condition, branch in node.conditions_nodelists:
                for expression in _expressions(condition):
                    _check_expression(expression, errors)
                _check_nodes(list(branch), errors)
        else:
            token = getattr(node, "token", None)
            tag = token.contents.split()[0] if token is not None and token.contents else "?"
            errors.append(
                str(_("The tag {%% %(tag)s %%} is not allowed; only {%% if %%} is.")) % {"tag": tag}
            )


def template_check(source: str) -> Template:
    """The compiled template, or a ValidationError listing every problem in it."""
    try:
        template = Template(source, engine=_ENGINE)
    except TemplateSyntaxError as exc:
        raise ValidationError(
            _("The template is not valid: %(error)s"), params={"error": str(exc)}
        ) from exc
    errors: list[str] = []
    _check_nodes(list(template.nodelist), errors)
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))
    return template


def template_variables(source: str) -> set[str]:
    """The variables a (valid) template uses; used to refuse a notice that lacks one."""
    found: set[str] = set()

    def visit(nodes: list[Node]) -> None:
        for node in nodes:
            expressions: list[FilterExpression] = []
            if isinstance(node, VariableNode):
                expressions.append(node.filter_expression)
            elif isinstance(node, IfNode):
                for condition, branch in node.conditions_nodelists:
                    expressions.extend(_expressions(condition))
                    visit(list(branch))
            for expression in expressions:
                variable = expression.var
                if isinstance(variable, Variable) and variable.lookups:
                    found.add(variable.lookups[0])

    visit(list(template_check(source).nodelist))
    return found


TRADITIONAL = "zh-hant"
# OpenCC's own traditional forms (s2t: 爲, 裏) are not what readers in Hong Kong or Taiwan
# write: Hong Kong and Macau get Hong Kong's forms (s2hk: 着, 户), Taiwan and a plain zh-Hant,
# which CLDR takes to mean Taiwan (likely subtags: zh-Hant → zh-Hant-TW), Taiwan's (為, 著, 戶).
_TRADITIONAL_CONFIGS = {"tw": "s2tw", "hk": "s2hk", "mo": "s2hk"}
_DEFAULT_TRADITIONAL_CONFIG = "s2tw"
# People's names stay as they are written (钟 is 鐘 or 鍾 depending on the person); codes,
# links and amounts have nothing to convert.
_KEPT_AS_WRITTEN = frozenset({"customer_name", "handler_name", "tracking_number", "link", "amount"})


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_traditional(text: str, language: str = TRADITIONAL) -> str:
    """Simplified Chinese text in traditional characters for a reader of ``language`` (a
    zh-Hant code as the customer's record has it: zh-Hant, zh-HK, zh-TW…)."""
    region = (language or "").strip().lower().replace("_", "-").rsplit("-", 1)[-1]
    return _converter(_TRADITIONAL_CONFIGS.get(region, _DEFAULT_TRADITIONAL_CONFIG)).convert(text)


def template_render(source: str, variables: Mapping[str, str], *, traditional_for: str = "") -> str:
    """Render checked template text with plain-string variables, unescaped, tidied.

    ``traditional_for``: the zh-Hant language of a reader of a simplified Chinese template;
    the template's text and the variables other than names are converted for them.
    """
    values = dict(variables)
    if traditional_for:
        source = to_traditional(source, traditional_for)
        values = {
            name: value if name in _KEPT_AS_WRITTEN else to_traditional(value, traditional_for)
            for name, value in values.items()
        }
    template = template_check(source)
    text = template.render(Context(values, autoescape=False))
    return _BLANK_LINES.sub("\n\n", text).strip()
