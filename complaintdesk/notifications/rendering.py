"""Rendering notice templates with Django's template engine, kept to a small safe subset.

A notice template is text an administrator edits, so it is treated as untrusted: it may use
only the variables in `VARIABLES` (plain strings the service prepares, never model objects, so
there is no attribute to reach through), `{% if %}` blocks and a few text filters. Anything
else — an unknown variable, a dotted lookup, `{% load %}`, `{% include %}` — is refused when
the template is saved (`template_check`) and again before rendering. Output is plain text for
SMS and e-mail, so autoescaping is off here; pages that show a notice escape it themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

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
    "handler_contact": _("how to reach the handler (e-mail or service line)"),
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


def template_render(source: str, variables: Mapping[str, str]) -> str:
    """Render checked template text with plain-string variables, unescaped, tidied."""
    template = template_check(source)
    text = template.render(Context(dict(variables), autoescape=False))
    return _BLANK_LINES.sub("\n\n", text).strip()
