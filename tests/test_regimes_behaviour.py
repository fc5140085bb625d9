"""Unit tests of the domain-neutral layers: scorers, audit, motivation, learning."""

import math

import numpy as np
import pytest

from sim.behaviour import BehaviourSettings, Lever, LeverLearner, MotivationType, assign_types
from sim.regimes import AuditSettings, KPISpec, OKRSpec, build_scorer, inspect


def kpi(**kwargs) -> KPISpec:
    base = {"type": "kpi", "measure": "share_within", "within": 30, "steepness": 0.01}
    return KPISpec(**(base | kwargs))


def test_kpi_score_is_a_step_centred_on_the_target():
    scorer = build_scorer("k", kpi(target=0.9))
    assert scorer.score("a", {"share_within@30": 0.9}) == pytest.approx(0.5)
    assert scorer.score("a", {"share_within@30": 0.8}) < 0.01
    assert scorer.score("a", {"share_within@30": 1.0}) > 0.99
    assert scorer.score("a", {"share_within@30": math.nan}) == 0.0
    assert scorer.met(0.6) and not scorer.met(0.4)


def test_relative_kpi_target_is_set_per_unit_from_its_warmup():
    scorer = build_scorer("k", KPISpec(type="kpi", measure="mean_wait_min", direction="lower",
                                     target_change=-0.15))  # fmt: skip
    scorer.score("a", {"mean_wait_min": 180.0})
    assert scorer.score("a", {"mean_wait_min": 220.0}) < 0.01  # baseline 200, target 170
    scorer.score("b", {"mean_wait_min": 100.0})
    scorer.close_baselines()  # the warm-up ends
    assert scorer.target("a") == pytest.approx(170.0)
    assert scorer.target("b") == pytest.approx(85.0)
    assert scorer.score("a", {"mean_wait_min": 170.0}) == pytest.approx(0.5)
    assert scorer.targets("b")[0][1] == pytest.approx(85.0)
    assert scorer.targets_revised == 0  # setting a baseline is not a revision


def test_ratchet_moves_the_target_to_mean_performance_if_better():
    scorer = build_scorer("k", kpi(target=0.8, ratchet_days=10))
    for value in (0.85, 0.95):
        scorer.score("a", {"share_within@30": value})
    scorer.review(5.0, {})
    assert scorer.target("a") == pytest.approx(0.8)  # not yet due
    scorer.review(10.0, {})
    assert scorer.target("a") == pytest.approx(0.9)
    assert scorer.targets_revised == 1
    scorer.score("a", {"share_within@30": 0.5})
    scorer.review(20.0, {})
    assert scorer.target("a") == pytest.approx(0.9)  # never ratchets down


def okr() -> OKRSpec:
    return OKRSpec(
        type="okr", objective="o", review_days=10,
        key_results=[
            {"measure": "mean_wait_min", "direction": "lower", "target": 100, "zero_at": 200,
             "weight": 3, "adapt_to": "demand"},
            {"measure": "patient_experience", "target": 0.8, "zero_at": 0.4},
        ],
    )  # fmt: skip


def test_okr_grades_linearly_and_weights_key_results():
    scorer = build_scorer("o", okr())
    values = {"mean_wait_min": 150.0, "patient_experience": 0.8}
    assert scorer.score("a", values) == pytest.approx((3 * 0.5 + 1 * 1.0) / 4)
    assert scorer.score("a", {"mean_wait_min": 300.0, "patient_experience": 0.0}) == 0.0
    assert scorer.met(0.7) and not scorer.met(0.69)


def test_okr_review_retargets_with_demand_and_kpi_does_not():
    scorer = build_scorer("o", okr())
    scorer.review(1.0, {"demand": 100.0})  # reference demand
    scorer.review(5.0, {"demand": 130.0})  # not due yet
    assert scorer.targets()[0][1] == pytest.approx(100.0)
    scorer.review(11.0, {"demand": 130.0})
    assert scorer.targets()[0][1] == pytest.approx(130.0)
    assert scorer.targets_revised == 1
    scorer.review(22.0, {"demand": 102.0})  # back within tolerance of the reference
    assert scorer.targets()[0][1] == pytest.approx(130.0)
    fixed = build_scorer("k", kpi(target=0.9))
    fixed.review(1.0, {"demand": 100.0})
    fixed.review(400.0, {"demand": 200.0})
    assert fixed.targets()[0][1] == pytest.approx(0.9)


def test_okr_key_results_relative_to_each_units_baseline():
    spec = OKRSpec(type="okr", objective="o", key_results=[
        {"measure": "mean_wait_min", "direction": "lower", "target_change": -0.1,
         "zero_change": 0.0}])  # fmt: skip
    scorer = build_scorer("o", spec)
    assert scorer.score("a", {"mean_wait_min": 200.0}) == 0.0  # the baseline grades 0
    assert scorer.score("b", {"mean_wait_min": 100.0}) == 0.0
    assert scorer.preview("a", {"mean_wait_min": 190.0}) == pytest.approx(0.5)
    assert scorer.preview("b", {"mean_wait_min": 90.0}) == pytest.approx(1.0)
    assert scorer.targets("a")[0][1] == pytest.approx(180.0)
    assert scorer.targets("c")[0][1] is None  # no baseline yet
    with pytest.raises(ValueError, match="target_change"):
        OKRSpec(type="okr", objective="o", key_results=[
            {"measure": "mean_wait_min", "target": 1.0, "target_change": 0.1, "zero_at": 2}])


def test_preview_scores_without_recording():
    scorer = build_scorer("k", KPISpec(type="kpi", measure="mean_wait_min", direction="lower",
                                     target_change=-0.15, ratchet_days=10))  # fmt: skip
    assert scorer.preview("a", {"mean_wait_min": 50.0}) == 0.5  # no baseline yet
    assert scorer.target("a") is None
    scorer.score("a", {"mean_wait_min": 200.0})
    assert scorer.preview("a", {"mean_wait_min": 100.0}) > 0.99
    scorer.review(10.0, {})
    assert scorer.target("a") == pytest.approx(170.0)  # the preview did not ratchet it


def test_audit_detects_only_levers_in_use_and_draws_a_fixed_number():
    settings = AuditSettings(inspection_chance=1.0, detection={"a": 1.0, "b": 1.0})
    rng = np.random.default_rng(0)
    assert inspect(rng, settings, {"a": 1.0, "b": 0.0}) == ["a"]
    never = AuditSettings(inspection_chance=0.0, detection={"a": 1.0})
    first, second = np.random.default_rng(5), np.random.default_rng(5)
    inspect(first, never, {"a": 1.0, "b": 0.0})
    inspect(second, settings, {"a": 0.0, "b": 0.0})
    assert first.random() == second.random()


def test_motivation_mix_is_apportioned_exactly():
    settings = BehaviourSettings()
    types = assign_types(np.random.default_rng(1), settings, 20)
    counts = {name: sum(t.name == name for t in types) for name in settings.mix}
    assert counts == {"saint": 3, "honest_trier": 9, "reactive_gamer": 6, "rational_maniac": 2}


GAMING = Lever("g", "gaming")
FRAUD = Lever("f", "fraud")


def learner(name: str, temperature: float = 0.02, rule: str = "reinforcement",
            expected_sanction=None) -> LeverLearner:  # fmt: skip
    settings = BehaviourSettings()
    spec = settings.types[name]
    motivation = MotivationType(name, spec.intrinsic, spec.moral_cost,
                                frozenset(spec.forbids), settings.effort)  # fmt: skip
    return LeverLearner([GAMING, FRAUD], motivation, settings.levels, settings.learning_rate,
                        temperature, rule, settings.rel, expected_sanction)  # fmt: skip


RULES = ("reinforcement", "rel")


def test_saints_refuse_gaming_and_honest_triers_refuse_fraud():
    assert learner("saint").levers == []
    assert [lever.name for lever in learner("honest_trier").levers] == ["g"]
    assert [lever.name for lever in learner("rational_maniac").levers] == ["g", "f"]


@pytest.mark.parametrize("rule", RULES)
def test_a_lever_that_pays_is_learned_and_one_that_does_not_is_dropped(rule):
    rng = np.random.default_rng(3)
    for pays in (True, False):
        agent = learner("reactive_gamer", rule=rule)
        used = []
        for _ in range(150):
            agent.choose(rng.random(2))
            level = agent.settings["g"]
            shared = 1.0 + (0.4 * level if pays else 0.0)  # its own cost, 0.13 x level, aside
            agent.learn(shared + rng.normal(0, 0.02), [0.0, 0.0])
            used.append(level)
        late = np.mean(used[-50:])
        assert late > 0.7 if pays else late < 0.2


@pytest.mark.parametrize("rule", RULES)
def test_the_aim_that_would_have_paid_is_learned(rule):
    """Foregone payoffs: the point whose rescued near misses move the dashboard wins."""
    settings = BehaviourSettings()
    motivation = MotivationType("m", 0.1, 0.0, frozenset(), settings.effort)
    agent = LeverLearner([GAMING], motivation, settings.levels, settings.learning_rate, 0.02,
                         rule, settings.rel, aims=(120.0, 180.0, 240.0))  # fmt: skip
    rng = np.random.default_rng(5)
    aims = []
    for _ in range(60):
        agent.choose(rng.random(2))
        agent.learn(1.0 + rng.normal(0, 0.05), [0.0])
        agent.learn_aim([rng.normal(0, 0.01), rng.normal(0, 0.01), 0.1 + rng.normal(0, 0.01)])
        aims.append(agent.aim)
    assert np.mean(np.array(aims[-30:]) == 240.0) > 0.8
    other = LeverLearner([GAMING], motivation, settings.levels, settings.learning_rate, 0.02,
                         rule, settings.rel, aims=(120.0, 180.0, 240.0))  # fmt: skip
    other.copy_from(agent)
    assert other.aim == agent.aim  # imitation copies where a peer aims, too


@pytest.mark.parametrize("rule", RULES)
def test_a_fall_in_payoff_no_lever_caused_does_not_start_gaming(rule):
    rng = np.random.default_rng(4)
    agent = learner("honest_trier", rule=rule)
    used = []
    for period in range(120):
        agent.choose(rng.random(2))
        level = agent.settings["g"]
        baseline = 1.0 if period < 40 else 0.7  # demand surge: everything gets worse
        agent.learn(baseline + rng.normal(0, 0.03), [0.0])
        used.append(level)
    if rule == "reinforcement":
        assert np.mean(used[40:60]) < 0.1
    else:  # REL: the shock raises the payoff variability, so it explores for a while
        assert 0.1 < np.mean(used[40:60]) < 0.3
    assert np.mean(used[90:]) < 0.1  # either way the shock starts no lasting gaming


@pytest.mark.parametrize("rule", RULES)
def test_a_sanction_is_pinned_on_the_lever_detected(rule):
    """Both levers raise the shared payoff; only fraud is sanctioned, and only it is dropped."""
    def known(lever: str, level: float) -> float:  # the audit rules: 80% found, sanction 1
        return 0.8 if lever == "f" and level > 0 else 0.0

    rng = np.random.default_rng(6)
    agent = learner("rational_maniac", rule=rule, expected_sanction=known)
    used = {"g": [], "f": []}
    for _ in range(150):
        agent.choose(rng.random(2))
        g, f = agent.settings["g"], agent.settings["f"]
        shared = 1.0 + 0.3 * g + 0.3 * f + rng.normal(0, 0.02)
        caught = f > 0 and rng.random() < 0.8
        agent.learn(shared, [0.0, 1.0 if caught else 0.0])
        used["g"].append(g)
        used["f"].append(f)
    assert np.mean(used["g"][-50:]) > 0.7
    assert np.mean(used["f"][-50:]) < 0.1


def test_with_nothing_riding_on_the_dashboard_its_levers_are_not_even_tried():
    rng = np.random.default_rng(7)
    agent = learner("rational_maniac")
    agent.watch(frozenset())
    for _ in range(50):
        agent.choose(rng.random(2))
        assert agent.settings == {"g": 0.0, "f": 0.0}
        agent.learn(1.0 + rng.normal(0, 0.1), [0.0, 0.0])
    gamer = learner("rational_maniac")
    gamer.choose(np.array([0.999, 0.999]))
    agent.copy_from(gamer)  # not copied either
    assert agent.settings == {"g": 0.0, "f": 0.0}


def test_the_audit_rules_a_decision_maker_knows_keep_it_from_trying_certain_sanctions():
    def sure(lever: str, level: float) -> float:
        return 2.0 if lever == "f" and level > 0 else 0.0

    rng = np.random.default_rng(8)
    agent = learner("rational_maniac", expected_sanction=sure)
    tried = 0.0
    for _ in range(50):
        agent.choose(rng.random(2))
        tried += agent.settings["f"]
        agent.learn(1.0 + rng.normal(0, 0.05), [0.0, 0.0])
    assert tried == 0.0


def test_imitation_copies_what_a_peer_visibly_does():
    gamer, saint = learner("rational_maniac"), learner("saint")
    gamer.choose(np.array([0.999, 0.999]))  # pick the top levels
    assert gamer.settings == {"g": 1.0, "f": 1.0}
    gamer.copy_from(saint)
    assert gamer.settings == {"g": 0.0, "f": 0.0}


def test_league_rewards_rank_with_shared_ties():
    from scipy.stats import rankdata

    from sim.regimes import LeagueTable, league_rewards

    scores = [0.2, 0.9, 0.2, 0.5, 0.9]
    table = LeagueTable(published=True, weight=0.3)
    expected = [0.3 * (r - 1) / 4 for r in rankdata(scores, method="average")]
    assert league_rewards(scores, table) == pytest.approx(expected)
    assert league_rewards(scores, LeagueTable(published=False)) == [0.0] * 5
    assert league_rewards([0.4], table) == [0.0]


def test_gamer_share_rescales_the_mix_keeping_proportions_within_groups():
    from sim.behaviour import BehaviourSettings

    settings = BehaviourSettings(gamer_share=0.8)
    mix = settings.population_mix
    assert sum(mix.values()) == pytest.approx(1.0)
    assert mix["reactive_gamer"] + mix["rational_maniac"] == pytest.approx(0.8)
    assert mix["reactive_gamer"] / mix["rational_maniac"] == pytest.approx(0.3 / 0.1)
    assert mix["saint"] / mix["honest_trier"] == pytest.approx(0.15 / 0.45)
    assert BehaviourSettings().population_mix == BehaviourSettings().mix
    with pytest.raises(ValueError, match="gamer_share"):
        BehaviourSettings(mix={"saint": 1.0}, gamer_share=0.5)


def test_a_regime_may_be_decoupled_from_pay():
    """An OKR run with its own stakes of 0 (as OKRs usually are) pays nothing for its score,
    and with no league table nothing rides on its dashboard."""
    from sim.regimes import LeagueTable
    from sim.service import RunSettings, ServiceModel

    spec = OKRSpec(type="okr", objective="o", stakes=0.0, key_results=[
        {"measure": "mean_wait_min", "target": 100, "zero_at": 200}])  # fmt: skip
    unpaid = ServiceModel(RunSettings(regime_name="o", regime=spec,
                                      league=LeagueTable(published=False)))  # fmt: skip
    assert unpaid.stakes_level == 0.0 and not unpaid.dashboard_pays
    paid_spec = spec.model_copy(update={"stakes": None})
    paid = ServiceModel(RunSettings(regime_name="o", regime=paid_spec,
                                    league=LeagueTable(published=False)))  # fmt: skip
    assert paid.stakes_level == 1.0 and paid.dashboard_pays


def test_a_lever_is_considered_only_if_the_dashboard_watches_what_it_moves():
    settings = BehaviourSettings()
    motivation = MotivationType("m", 0.1, 0.0, frozenset(), settings.effort)
    clock = Lever("clock", "gaming", moves=("share_within",))
    trolley = Lever("trolley", "gaming", moves=("trolley_waits_12h",))
    agent = LeverLearner([clock, trolley, GAMING], motivation, settings.levels,
                         settings.learning_rate, 1.0)  # fmt: skip
    agent.watch(frozenset({"share_within"}))
    rng = np.random.default_rng(1)
    seen = {"clock": [], "trolley": [], "g": []}
    for _ in range(40):
        agent.choose(rng.random(3))  # a hot softmax: every considered lever is tried
        for name in seen:
            seen[name].append(agent.settings[name])
    assert max(seen["clock"]) > 0 and max(seen["g"]) > 0  # "g" moves any measure
    assert max(seen["trolley"]) == 0.0
    agent.watch(frozenset())  # nothing rides on the dashboard
    agent.choose(np.full(3, 0.99))
    assert set(agent.settings.values()) == {0.0}
