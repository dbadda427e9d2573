"""Property tests of the three-valued condition language (app/engine/conditions.py).

Kleene logic laws, "unknown is not false", and monotonicity: a result that is already True or
False while some facts are unknown never flips when those facts become known. The meta-operator
« est renseigné » asks about knowledge itself, so it is excluded from the monotonicity law.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine.conditions import (
    ALL,
    ANY,
    NONE,
    OP_ANSWERED,
    ConditionSyntaxError,
    FactInfo,
    check,
    evaluate,
    referenced_facts,
)

CHOICES = ["a", "b", "c"]
FACTS = {
    ("question", "choix"): FactInfo("Choix", "choix", {v: v for v in CHOICES}),
    ("question", "multi"): FactInfo("Multi", "choix_multiple", {v: v for v in CHOICES}),
    ("question", "nombre"): FactInfo("Nombre", "nombre", unit="m²"),
    ("territoire", "zone_detendue"): FactInfo("Zone détendue", "booleen"),
}
UNKNOWNS = st.sampled_from([None, "inconnu", "je ne sais pas", "", "  Inconnu ", []])
TRUE = {}  # the empty condition is always true
FALSE = {NONE: [TRUE]}

settings.register_profile("pf", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("pf")


def atoms(with_answered: bool = True):
    choice = st.builds(
        lambda op, v: {"question": "choix", op: v},
        st.sampled_from(["est", "n'est pas"]),
        st.one_of(st.sampled_from(CHOICES), st.lists(st.sampled_from(CHOICES), min_size=1)),
    )
    multi = st.builds(
        lambda op, v: {"question": "multi", op: v},
        st.sampled_from(["est", "n'est pas", "contient"]),
        st.sampled_from(CHOICES),
    )
    number = st.builds(
        lambda op, v: {"question": "nombre", op: v},
        st.sampled_from(["au moins", "au plus", "supérieur à", "inférieur à"]),
        st.integers(-5, 5),
    )
    boolean = st.builds(
        lambda op, v: {"territoire": "zone_detendue", op: v},
        st.sampled_from(["est", "n'est pas"]),
        st.sampled_from(["oui", "non"]),
    )
    options = [choice, multi, number, boolean]
    if with_answered:
        options.append(
            st.builds(
                lambda f, v: {"question": f, OP_ANSWERED: v},
                st.sampled_from(["choix", "nombre"]),
                st.sampled_from(["oui", "non"]),
            )
        )
    return st.one_of(*options)


def conditions(with_answered: bool = True):
    return st.recursive(
        atoms(with_answered),
        lambda children: st.one_of(
            st.builds(lambda xs: {ALL: xs}, st.lists(children, min_size=1, max_size=3)),
            st.builds(lambda xs: {ANY: xs}, st.lists(children, min_size=1, max_size=3)),
            st.builds(lambda xs: {NONE: xs}, st.lists(children, min_size=1, max_size=3)),
            st.lists(children, min_size=1, max_size=3),  # a bare list is all-of
        ),
        max_leaves=8,
    )


KNOWN = {
    ("question", "choix"): st.sampled_from(CHOICES),
    ("question", "multi"): st.lists(st.sampled_from(CHOICES), min_size=1, unique=True),
    ("question", "nombre"): st.one_of(st.integers(-6, 6), st.floats(-6, 6, allow_nan=False)),
    ("territoire", "zone_detendue"): st.booleans(),
}


@st.composite
def fact_sets(draw, complete: bool = False):
    facts = {}
    for fact, known in KNOWN.items():
        if complete or draw(st.booleans()):
            facts[fact] = draw(known)
        elif draw(st.booleans()):
            facts[fact] = draw(UNKNOWNS)
    return facts


ODD_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8)),
    lambda children: st.lists(children, max_size=3),
    max_leaves=5,
)


def value(condition, facts):
    return evaluate(condition, facts).value


def resolve(fact):
    return FACTS.get(fact)


# --- robustness ------------------------------------------------------------------------------------


@given(conditions(), st.dictionaries(st.sampled_from(list(FACTS)), ODD_VALUES))
def test_never_crashes_on_any_fact_value(condition, facts):
    result = evaluate(condition, facts)
    assert result.value in (True, False, None)
    assert all(isinstance(r, str) for r in result.reasons)
    assert set(result.missing) <= referenced_facts(condition)
    if result.value is None:
        assert result.missing, "an unknown result names the facts that would settle it"


@given(conditions())
def test_generated_conditions_are_valid(condition):
    assert check(condition, resolve) == []


JUNK = st.recursive(
    st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=6),
        st.sampled_from(["question", "territoire", "est", ALL, ANY, NONE, "au moins"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.sampled_from(["question", "territoire", "est", "au moins", "contient", ALL, ANY, NONE, "x"]),
            children,
            max_size=3,
        ),
    ),
    max_leaves=10,
)


@given(JUNK, st.dictionaries(st.sampled_from(list(FACTS)), ODD_VALUES))
def test_junk_conditions_are_reported_never_crash(junk, facts):
    messages = check(junk, resolve)
    assert all(isinstance(m, str) for m in messages)
    referenced_facts(junk)
    try:
        evaluate(junk, facts)
    except ConditionSyntaxError:
        assert messages, "evaluate rejected a condition that check accepted"


# --- three-valued laws -----------------------------------------------------------------------------


@given(atoms(with_answered=False), fact_sets())
def test_unknown_fact_makes_an_atom_unknown_not_false(atom, facts):
    fact = next(iter(referenced_facts(atom)))
    for unknown in (None, "inconnu", "je ne sais pas"):
        assert value(atom, {**facts, fact: unknown}) is None
    assert value(atom, {k: v for k, v in facts.items() if k != fact}) is None


@given(conditions(), conditions(), fact_sets())
def test_de_morgan(a, b, facts):
    assert value({NONE: [a, b]}, facts) == value({ALL: [{NONE: [a]}, {NONE: [b]}]}, facts)
    assert value({NONE: [{ALL: [a, b]}]}, facts) == value({ANY: [{NONE: [a]}, {NONE: [b]}]}, facts)


@given(conditions(), fact_sets())
def test_double_negation_through_none_of(a, facts):
    assert value({NONE: [{NONE: [a]}]}, facts) == value(a, facts)


@given(conditions(), conditions(), fact_sets())
def test_identity_absorption_commutativity(a, b, facts):
    va = value(a, facts)
    assert value({ALL: [a]}, facts) == va == value({ANY: [a]}, facts) == value([a], facts)
    assert value({ALL: [a, TRUE]}, facts) == va
    assert value({ANY: [a, FALSE]}, facts) == va
    assert value({ALL: [a, FALSE]}, facts) is False
    assert value({ANY: [a, TRUE]}, facts) is True
    assert value({ALL: [a, {ANY: [a, b]}]}, facts) == va
    assert value({ANY: [a, {ALL: [a, b]}]}, facts) == va
    assert value({ALL: [a, b]}, facts) == value({ALL: [b, a]}, facts)
    assert value({ANY: [a, b]}, facts) == value({ANY: [b, a]}, facts)


@given(conditions(with_answered=False), fact_sets(), fact_sets(complete=True))
def test_knowledge_never_flips_a_settled_result(condition, partial, complete):
    before = value(condition, partial)
    known = {
        k: v
        for k, v in partial.items()
        if v not in (None, "", [])
        and not (isinstance(v, str) and v.strip().lower() in ("inconnu", "je ne sais pas"))
    }
    filled = {**complete, **known}
    after = value(condition, filled)
    assert after in (True, False)  # every fact known: the result is settled
    if before is not None:
        assert after == before


@given(conditions(with_answered=False), fact_sets())
def test_missing_facts_settle_the_result(condition, facts):
    result = evaluate(condition, facts)
    if result.value is None:
        assert all(f in FACTS for f in result.missing)
