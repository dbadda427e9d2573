"""Three-valued condition language shared by the questionnaire, the steps and the funding schemes.

Content editors write conditions in YAML with French keywords, for example::

    si:
      toutes ces conditions:
        - question: sol_pollution_existe
          est: [pollution supposée, pollution avérée]
        - une de ces conditions:
            - territoire: zone_detendue
              est: oui
            - question: unite_fonciere_surface
              au moins: 10000

Combinators (nestable): ``toutes ces conditions`` (all-of), ``une de ces conditions``
(any-of), ``aucune de ces conditions`` (none-of).

An atom names one fact — ``question: <id>`` (an answer) or ``territoire: <fact>`` (a territory
fact) — and exactly one operator: ``est``, ``n'est pas``, ``contient``, ``au moins``,
``au plus``, ``supérieur à``, ``inférieur à``, ``est renseigné``.

Logic is Kleene's: a missing answer, ``None``, ``"inconnu"`` or ``"je ne sais pas"`` is
*unknown*, and an atom over an unknown fact is unknown — never false. ``all`` is false as soon as
one child is false, ``any`` is true as soon as one child is true, ``none`` is the negation of
``any``. The evaluation returns the value, the readable reasons that made it so, and, when
unknown, the facts whose answer would settle it.

No Flask import here: the module is unit- and property-tested directly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

ALL = "toutes ces conditions"
ANY = "une de ces conditions"
NONE = "aucune de ces conditions"
COMBINATORS = (ALL, ANY, NONE)
# A named condition (data/conditions.yaml) referenced by id: ``{condition: sol-peut-etre-pollue}``.
# The catalog loader expands it in place to ``{condition: id, titre: …, si: body}``; when it holds,
# its title is the one reason given (written for users), otherwise the body explains itself.
NAMED = "condition"

KIND_QUESTION = "question"
KIND_TERRITORY = "territoire"
KINDS = (KIND_QUESTION, KIND_TERRITORY)

OP_IS = "est"
OP_IS_NOT = "n'est pas"
OP_CONTAINS = "contient"
OP_MIN = "au moins"
OP_MAX = "au plus"
OP_GT = "supérieur à"
OP_LT = "inférieur à"
OP_ANSWERED = "est renseigné"
VALUE_OPERATORS = (OP_IS, OP_IS_NOT, OP_CONTAINS)
NUMERIC_OPERATORS = (OP_MIN, OP_MAX, OP_GT, OP_LT)
OPERATORS = VALUE_OPERATORS + NUMERIC_OPERATORS + (OP_ANSWERED,)

# Answer values that mean "I do not know". Everything else is a known value.
UNKNOWN_VALUES = frozenset({"inconnu", "je ne sais pas", "ne sait pas", ""})

_BOOL_WORDS = {"oui": True, "non": False, "true": True, "false": False}

Fact = tuple[str, str]  # (kind, id), e.g. ("question", "sol_pollution_existe")


def is_unknown(value: Any) -> bool:
    """True when a fact value carries no information (missing or "je ne sais pas")."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() in UNKNOWN_VALUES
    if isinstance(value, (list, tuple, set, frozenset)):
        known = [v for v in value if not is_unknown(v)]
        return not known
    return False


def _as_list(value: Any) -> list:
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


def _normalise(value: Any) -> Any:
    """Compare booleans written "oui"/"non" in content with stored True/False, case-insensitively."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):  # nested values: hashable, never equal to a choice
        return tuple(_normalise(v) for v in value)
    if isinstance(value, dict):
        return repr(value)
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _BOOL_WORDS:
            return _BOOL_WORDS[low]
        return value.strip()
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", ".").replace(" ", ""))
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class FactInfo:
    """What the vocabulary knows about a fact: its label, kind of value and allowed values."""

    label: str
    type: str = "choix"  # choix | choix_multiple | nombre | booleen | texte
    choices: Mapping[str, str] = field(default_factory=dict)  # value -> label
    unit: str = ""
    year: bool = False  # a "nombre" that is a year: written 1997, never with a thousands separator


Vocabulary = Mapping[Fact, FactInfo]


@dataclass
class Evaluation:
    """Result of a condition: True, False or None (unknown), with its trace."""

    value: bool | None
    reasons: list[str] = field(default_factory=list)
    missing: list[Fact] = field(default_factory=list)

    @property
    def applicable(self) -> bool:
        return self.value is True


class ConditionSyntaxError(ValueError):
    """Raised by :func:`evaluate` on a condition :func:`check` would have rejected."""


def _atom_fact(atom: Mapping) -> Fact:
    for kind in KINDS:
        if kind in atom:
            return kind, str(atom[kind])
    raise ConditionSyntaxError(f"condition sans « question » ni « territoire » : {dict(atom)!r}")


def _atom_operator(atom: Mapping) -> tuple[str, Any]:
    ops = [k for k in atom if k in OPERATORS]
    if len(ops) != 1:
        raise ConditionSyntaxError(f"une condition doit avoir exactement un opérateur : {dict(atom)!r}")
    return ops[0], atom[ops[0]]


def _value_label(fact: Fact, value: Any, vocabulary: Vocabulary | None) -> str:
    info = vocabulary.get(fact) if vocabulary else None
    if isinstance(value, bool) or (isinstance(value, str) and value.lower() in _BOOL_WORDS):
        return "oui" if _normalise(value) else "non"
    if info and isinstance(value, str) and value in info.choices:
        return info.choices[value]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if info and info.year and isinstance(value, int):
        return str(value)
    text = f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else str(value)
    return f"{text} {info.unit}".strip() if info and info.unit and not isinstance(value, str) else text


def _fact_label(fact: Fact, vocabulary: Vocabulary | None) -> str:
    info = vocabulary.get(fact) if vocabulary else None
    return info.label if info else fact[1]


def describe_atom(atom: Mapping, vocabulary: Vocabulary | None = None, negated: bool = False) -> str:
    """A French sentence for one atom, e.g. « Pollution des sols : pollution supposée »."""
    fact = _atom_fact(atom)
    op, expected = _atom_operator(atom)
    label = _fact_label(fact, vocabulary)
    values = " ou ".join(f"« {_value_label(fact, v, vocabulary)} »" for v in _as_list(expected))
    if op == OP_ANSWERED:
        positive = bool(_normalise(expected))
        if negated:
            positive = not positive
        return f"{label} : {'renseigné' if positive else 'non renseigné'}"
    if op == OP_IS_NOT:
        op, negated = OP_IS, not negated
    if op in (OP_IS, OP_CONTAINS):
        if negated:
            return f"{label} : autre que {values}"
        return f"{label} : {values}" if op == OP_IS else f"{label} : comprend {values}"
    number = _value_label(fact, expected, vocabulary)
    words = {
        OP_MIN: ("au moins", "moins de"),
        OP_MAX: ("au plus", "plus de"),
        OP_GT: ("plus de", "au plus"),
        OP_LT: ("moins de", "au moins"),
    }[op]
    return f"{label} : {words[1] if negated else words[0]} {number}"


def _eval_atom(atom: Mapping, facts: Mapping[Fact, Any]) -> bool | None:
    fact = _atom_fact(atom)
    op, expected = _atom_operator(atom)
    actual = facts.get(fact)
    if op == OP_ANSWERED:
        want = bool(_normalise(expected))
        return (not is_unknown(actual)) == want
    if is_unknown(actual):
        return None
    if op in NUMERIC_OPERATORS:
        a, e = _number(actual), _number(expected)
        if a is None or e is None:
            return None
        return {OP_MIN: a >= e, OP_MAX: a <= e, OP_GT: a > e, OP_LT: a < e}[op]
    wanted = {_normalise(v) for v in _as_list(expected)}
    actual_values = {_normalise(v) for v in _as_list(actual) if not is_unknown(v)}
    hit = bool(wanted & actual_values)
    if op == OP_IS_NOT:
        return not hit
    return hit


def evaluate(
    condition: Any,
    facts: Mapping[Fact, Any],
    vocabulary: Vocabulary | None = None,
) -> Evaluation:
    """Evaluate ``condition`` over ``facts`` (keys are ``(kind, id)`` pairs).

    ``None`` or an empty mapping is the always-true condition. The evaluation never raises on
    odd fact values; it raises :class:`ConditionSyntaxError` only on a malformed condition.
    """
    if condition is None or condition == {}:
        return Evaluation(True)
    if isinstance(condition, list):
        condition = {ALL: condition}
    if not isinstance(condition, Mapping):
        raise ConditionSyntaxError(f"condition illisible : {condition!r}")
    if NAMED in condition:
        return _named(condition, facts, vocabulary)
    combinator = [k for k in condition if k in COMBINATORS]
    if combinator:
        if len(condition) != 1:
            raise ConditionSyntaxError(f"un combinateur doit être seul dans son bloc : {list(condition)}")
        key = combinator[0]
        children = condition[key]
        if not isinstance(children, list):
            raise ConditionSyntaxError(f"« {key} » attend une liste")
        results = [evaluate(child, facts, vocabulary) for child in children]
        if key == ALL:
            return _all(results)
        any_result = _any(results)
        if key == ANY:
            return any_result
        return _negate(any_result)
    value = _eval_atom(condition, facts)
    if value is None:
        return Evaluation(None, missing=[_atom_fact(condition)])
    return Evaluation(
        value, reasons=[describe_atom(_as_observed(condition, facts), vocabulary, negated=not value)]
    )


def _named(node: Mapping, facts: Mapping[Fact, Any], vocabulary: Vocabulary | None) -> Evaluation:
    """A named condition: its title when it holds; unknown says only what is missing."""
    if "si" not in node:
        raise ConditionSyntaxError(f"condition nommée non résolue « {node[NAMED]} »")
    ev = evaluate(node["si"], facts, vocabulary)
    if ev.value is True:
        return Evaluation(True, reasons=[str(node.get("titre") or node[NAMED])])
    if ev.value is None:
        return Evaluation(None, missing=ev.missing)
    return ev


def _as_observed(atom: Mapping, facts: Mapping[Fact, Any]) -> Mapping:
    """For a satisfied « est », name the value actually given rather than every accepted one."""
    op, expected = _atom_operator(atom)
    if op not in (OP_IS, OP_CONTAINS):
        return atom
    wanted = {_normalise(v) for v in _as_list(expected)}
    matched = [v for v in _as_list(facts.get(_atom_fact(atom))) if _normalise(v) in wanted]
    if not matched:
        return atom
    return {**atom, op: matched}


def _all(results: list[Evaluation]) -> Evaluation:
    false = [r for r in results if r.value is False]
    if false:
        return Evaluation(False, reasons=_flat(r.reasons for r in false))
    unknown = [r for r in results if r.value is None]
    if unknown:
        return Evaluation(
            None,
            reasons=_flat(r.reasons for r in results if r.value is True),
            missing=_unique(_flat(r.missing for r in unknown)),
        )
    return Evaluation(True, reasons=_flat(r.reasons for r in results))


def _any(results: list[Evaluation]) -> Evaluation:
    true = [r for r in results if r.value is True]
    if true:
        return Evaluation(True, reasons=_flat(r.reasons for r in true))
    unknown = [r for r in results if r.value is None]
    if unknown:
        return Evaluation(None, missing=_unique(_flat(r.missing for r in unknown)))
    return Evaluation(False, reasons=_flat(r.reasons for r in results))


def _negate(any_result: Evaluation) -> Evaluation:
    """none-of = not any-of; reasons are restated in the negative form."""
    if any_result.value is None:
        return Evaluation(None, missing=any_result.missing)
    # any-of false => every child false => none-of true; reasons already describe the false atoms.
    # any-of true => none-of false; the reasons describe the offending true atoms.
    return Evaluation(not any_result.value, reasons=any_result.reasons)


def _flat(lists: Iterable[list]) -> list:
    return [item for sub in lists for item in sub]


def _unique(items: list) -> list:
    seen: dict = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def atoms(condition: Any) -> Iterator[Mapping]:
    """Every atom (``question:``/``territoire:`` test) of a condition, in order: the one walker of
    the condition tree. Tolerates bad syntax (content checks call it before validation)."""
    if isinstance(condition, list):
        for child in condition:
            yield from atoms(child)
    elif isinstance(condition, Mapping):
        for key, child in condition.items():
            if key in COMBINATORS:
                yield from atoms(child)
        if NAMED in condition:
            yield from atoms(condition.get("si"))
        if any(kind in condition for kind in KINDS):
            yield condition


def referenced_facts(condition: Any) -> set[Fact]:
    """Every fact a condition reads (used for ordering and cycle checks)."""
    return {
        (kind, str(atom[kind]))
        for atom in atoms(condition)
        for kind in KINDS
        if kind in atom and isinstance(atom[kind], (str, int))
    }


def check(condition: Any, resolve: Callable[[Fact], FactInfo | None], where: str = "si") -> list[str]:
    """Return French error messages for a condition (empty when it is valid).

    ``resolve`` returns the :class:`FactInfo` of a known fact, or ``None`` for an unknown id.
    ``where`` prefixes each message with the position inside the condition.
    """
    if condition is None:
        return []
    if isinstance(condition, list):
        return _flat(check(child, resolve, f"{where}[{i + 1}]") for i, child in enumerate(condition))
    if not isinstance(condition, Mapping):
        return [f"{where} : une condition doit être un bloc (clé: valeur), pas {condition!r}"]
    if NAMED in condition:
        # Expanded by the catalog loader (its body is checked where it is defined) or unknown.
        if "si" in condition:
            return []
        if len(condition) > 1:
            return [f"{where} : « {NAMED} » s'écrit seul dans son bloc : {{{NAMED}: identifiant}}"]
        return [f"{where} : condition nommée inconnue « {condition[NAMED]} » (voir data/conditions.yaml)"]
    if any(k in COMBINATORS for k in condition):
        return _check_combinator(condition, resolve, where)
    return _check_atom(condition, resolve, where)


def _check_combinator(
    condition: Mapping, resolve: Callable[[Fact], FactInfo | None], where: str
) -> list[str]:
    errors: list[str] = []
    combinator = [k for k in condition if k in COMBINATORS]
    if len(condition) != 1:
        others = ", ".join(str(k) for k in condition if k not in combinator)
        errors.append(f"{where} : « {combinator[0]} » doit être seul dans son bloc (en trop : {others})")
    for key in combinator:
        children = condition[key]
        if not isinstance(children, list) or not children:
            errors.append(f"{where} : « {key} » attend une liste non vide de conditions")
            continue
        for i, child in enumerate(children):
            errors += check(child, resolve, f"{where} › {key}[{i + 1}]")
    return errors


def _check_atom(atom: Mapping, resolve: Callable[[Fact], FactInfo | None], where: str) -> list[str]:
    kinds = [k for k in KINDS if k in atom]
    if len(kinds) != 1:
        return [
            f"{where} : une condition nomme soit « question: <id> », soit « territoire: <fait> », "
            f"ou un combinateur ({', '.join(COMBINATORS)}) ; reçu : {', '.join(map(str, atom))}"
        ]
    kind = kinds[0]
    fact = (kind, str(atom[kind]))
    errors: list[str] = []
    unknown_keys = [k for k in atom if k not in KINDS and k not in OPERATORS]
    if unknown_keys:
        errors.append(
            f"{where} : mot-clé inconnu {', '.join(repr(k) for k in unknown_keys)} "
            f"(opérateurs possibles : {', '.join(OPERATORS)})"
        )
    ops = [k for k in atom if k in OPERATORS]
    if len(ops) != 1:
        return errors + [f"{where} : la condition sur « {fact[1]} » doit avoir exactement un opérateur"]
    info = resolve(fact)
    if info is None:
        noun = "question" if kind == KIND_QUESTION else "fait de territoire"
        return errors + [f"{where} : {noun} inconnu(e) « {fact[1]} »"]
    op = ops[0]
    checker = (
        _check_numeric if op in NUMERIC_OPERATORS else _check_answered if op == OP_ANSWERED else _check_values
    )
    return errors + checker(op, atom[op], fact, info, where)


def _check_numeric(op: str, expected: Any, fact: Fact, info: FactInfo, where: str) -> list[str]:
    errors = []
    if info.type != "nombre":
        errors.append(f"{where} : « {op} » s'applique à un nombre, or « {fact[1]} » est de type {info.type}")
    if _number(expected) is None:
        errors.append(f"{where} : « {op} » attend un nombre, reçu {expected!r}")
    return errors


def _check_answered(op: str, expected: Any, fact: Fact, info: FactInfo, where: str) -> list[str]:
    if _normalise(expected) not in (True, False):
        return [f"{where} : « {op} » attend oui ou non, reçu {expected!r}"]
    return []


def _check_values(op: str, expected: Any, fact: Fact, info: FactInfo, where: str) -> list[str]:
    """``est``, ``n'est pas``, ``contient``: values the fact can take."""
    errors = []
    if op == OP_CONTAINS and info.type != "choix_multiple":
        errors.append(f"{where} : « contient » s'applique à une question à choix multiple ; utilisez « est »")
    values = _as_list(expected)
    if not values:
        errors.append(f"{where} : « {op} » attend au moins une valeur")
    if info.type == "booleen":
        bad = [v for v in values if _normalise(v) not in (True, False)]
        if bad:
            errors.append(f"{where} : « {fact[1]} » vaut oui ou non ; valeur(s) impossible(s) : {bad}")
    elif info.choices:
        allowed = set(info.choices) | UNKNOWN_VALUES
        bad = [v for v in values if str(v) not in allowed]
        if bad:
            errors.append(
                f"{where} : valeur(s) inconnue(s) pour « {fact[1]} » : "
                f"{', '.join(repr(b) for b in bad)} (valeurs possibles : {', '.join(info.choices)})"
            )
    return errors


# --- value domains: the few values that can change a set of conditions ---------------------------

OTHER_VALUE = "__autre__"  # a value no condition names


def _fact_of(atom: Mapping) -> Fact | None:
    for kind in KINDS:
        if kind in atom:
            return kind, str(atom[kind])
    return None


def thresholds(fact: Fact, conditions: Iterable[Any]) -> list[float]:
    """The numbers the numeric operators of ``conditions`` compare ``fact`` with."""
    found = []
    for cond in conditions:
        for atom in atoms(cond):
            if _fact_of(atom) == fact:
                found += [
                    n for op in NUMERIC_OPERATORS if op in atom and (n := _number(atom[op])) is not None
                ]
    return found


def mentioned_values(fact: Fact, conditions: Iterable[Any]) -> list[Any]:
    """The known values ``conditions`` name for ``fact``, in order (with repeats)."""
    found: list[Any] = []
    for cond in conditions:
        for atom in atoms(cond):
            if _fact_of(atom) == fact:
                for op in OPERATORS:
                    if op in atom:
                        found += [v for v in _as_list(atom[op]) if not is_unknown(v)]
    return found


def value_domain(fact: Fact, info: FactInfo, conditions: list[Any]) -> list[Any]:
    """Values of ``fact`` enough to give ``conditions`` every result they can have: unknown, the
    values they name and one other value (or, for numbers, each threshold and its neighbours)."""
    values: list[Any] = [None]
    if info.type == "nombre":
        numbers = {0.0}
        for t in thresholds(fact, conditions):
            numbers |= {t - 1, t, t + 1}
        return values + sorted(numbers)
    if info.type == "booleen":
        return values + [True, False]
    named = list(dict.fromkeys(str(v) for v in mentioned_values(fact, conditions)))
    others = [v for v in info.choices if v not in named]
    picked = named + others[:1] if info.choices else named + [OTHER_VALUE]
    if info.type == "choix_multiple":
        return values + [[v] for v in picked]
    return values + picked


def value_domains(
    facts: Iterable[Fact], vocabulary: Vocabulary, conditions: list[Any], limit: int
) -> list[list[Any]] | None:
    """One :func:`value_domain` per fact, or None when a fact is not in ``vocabulary`` or when
    more than ``limit`` combinations would have to be tried."""
    domains = []
    total = 1
    for fact in facts:
        info = vocabulary.get(fact)
        if info is None:
            return None
        domains.append(value_domain(fact, info, conditions))
        total *= len(domains[-1])
        if total > limit:
            return None
    return domains


def can_be_true(condition: Any, vocabulary: Vocabulary, limit: int = 20_000) -> bool | None:
    """True when some facts make ``condition`` true; None when too many combinations to try."""
    if condition is None:
        return True
    facts = sorted(referenced_facts(condition))
    domains = value_domains(facts, vocabulary, [condition], limit)
    if domains is None:
        return None
    return any(
        evaluate(condition, dict(zip(facts, combo, strict=True))).value is True
        for combo in itertools.product(*domains)
    )
