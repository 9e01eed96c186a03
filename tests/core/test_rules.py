"""Recommendation rules (design §4.3–4.5): every rule fires, stays quiet and ignores missing data."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings

from benchmark.core.baseline import NNBSP, Baseline, load_baseline
from benchmark.core.questionnaire import Questionnaire, load_questionnaire
from benchmark.core.rules import (
    RecommendationGroup,
    RulesError,
    RuleSet,
    default_rules_path,
    evaluate_rules,
    load_rules,
    practice_links,
    recommend,
)
from benchmark.core.scoring import Rubric, load_rubric, score
from benchmark.core.typography import fix
from tests.factories import BASELINE_2017_SOURCE, TASKS, WORKED_EXAMPLE, answer_sets

DELETE = object()

#: A strong profile: every dimension at level 4 and no rule but the default fires.
STRONG: dict[str, object] = {
    "q1": 9,
    **{task: ["email", "cloud", "website", "analytics", "client_db", "videoconf", "elearning", "online_forms"]
       for task in TASKS},
    "q3_2": ["social_media", "analytics", "website"],
    "q3_4": ["online_forms", "analytics", "crowdsourcing"],
    "q3_5": ["social_media", "data_viz", "mapping", "newsletter"],
    "q2_2": ["video", "videoconf", "elearning"],
    "q4": ["permanent_inhouse", "shared_roles"],
    "q5": ["announce_events", "public_awareness", "recruit_volunteers"],
    "q6": "yes",
    "q7": "yes",
    "n1": ["reliable_internet", "staff_devices", "mobile_devices", "client_access", "backups", "it_support",
           "security_updates"],
    **{f"q8.{row}": "not_concern" for row in ("privacy", "internet_access", "data_quality", "data_management",
                                             "staff_literacy", "understanding_needs", "evaluating_impact",
                                             "hardware", "it_maintenance")},
    "q9": "not_shared",
    **{f"q10.{row}": "very_well" for row in ("identify_needs", "plan", "choose_tools", "implement", "train_staff",
                                              "evaluate")},
    "q15.privacy_guidance": "moderately",
    "q16": 7,
    "q22": "executive",
    "q23": "yes_current",
    "q24": "26_50",
    "q25": "21_50",
    "q26": ["on"],
}  # fmt: skip

PR_KEYS = ["q6", "q3_2", "q3_4", "q3_5"] + [f"q10.{r}" for r in ("identify_needs", "plan", "choose_tools",
                                                                  "implement", "evaluate")] + [
    "q8.privacy", "q8.data_quality", "q8.data_management"]  # fmt: skip
SK_KEYS = ["q4", "q2_2", "q10.train_staff", "q8.staff_literacy"]

Changes = dict[str, object]

#: rule id → (changes that fire it, changes that do not, changes with the needed answer missing/dont_know).
CASES: dict[str, tuple[Changes, Changes, Changes]] = {
    "r1_basic": (
        {task: ["email", "analytics"] for task in TASKS},
        {task: ["email", "cloud", "website", "sms"] for task in TASKS},
        {**{task: DELETE for task in TASKS[:5]}, **{task: ["email"] for task in TASKS[5:]}},
    ),
    "r1_technical": (
        {task: ["email", "cloud"] for task in TASKS},
        {**{task: ["email", "cloud"] for task in TASKS}, "q3_3": ["mapping"]},
        {task: ["dont_know"] for task in TASKS},
    ),
    "r1_service_delivery": ({"q3_3": ["email", "website"]}, {"q3_3": ["email", "sms"]}, {"q3_3": ["dont_know"]}),
    "r1_comms": (
        {"q5": ["announce_events", "other"]},
        {"q5": ["announce_events", "fundraising", "partners"]},
        {"q5": DELETE},
    ),
    "r1_internet": (
        {"q8.internet_access": "moderate"}, {"q8.internet_access": "minor"}, {"q8.internet_access": "dont_know"}
    ),
    "r2_privacy": ({"q8.privacy": "major"}, {"q8.privacy": "minor"}, {"q8.privacy": "dont_know"}),
    "r2_privacy_video": (
        {"q8.privacy": "moderate", "q2_2": ["video"]},
        {"q8.privacy": "moderate", "q2_2": ["elearning"]},
        {"q8.privacy": "dont_know", "q2_2": ["video"]},
    ),
    "r2_privacy_support": (
        {"q15.privacy_guidance": "important"},
        {"q15.privacy_guidance": "slightly"},
        {"q15.privacy_guidance": DELETE},
    ),
    "r3_data_concern": (
        {"q8.data_management": "major"},
        {"q8.data_quality": "minor", "q8.data_management": "minor"},
        {"q8.data_quality": "dont_know", "q8.data_management": DELETE},
    ),
    "r3_collect_no_analysis": (
        {task: ["client_db", "email"] for task in TASKS},
        {task: ["email", "analytics"] for task in TASKS},
        {task: DELETE for task in TASKS},
    ),
    "r3_impact": (
        {"q8.evaluating_impact": "major"},
        {"q8.evaluating_impact": "minor", "q10.evaluate": "well"},
        {"q8.evaluating_impact": "dont_know", "q10.evaluate": "dont_know"},
    ),
    "r3_level": (
        {"q6": "no", "q3_2": ["none"], "q3_4": ["none"], "q3_5": ["none"], "q8.privacy": "major"},
        {"q6": "in_progress"},
        {key: DELETE for key in PR_KEYS},
    ),
    "r4_skills_level": (
        {"q4": ["contractor"], "q2_2": ["email"], "q10.train_staff": "neutral", "q8.staff_literacy": "minor"},
        {"q4": ["shared_roles"]},
        {key: DELETE for key in SK_KEYS},
    ),
    "r4_training_need": (
        {"q10.train_staff": "great_need"},
        {"q10.train_staff": "well", "q8.staff_literacy": "minor"},
        {"q10.train_staff": "dont_know", "q8.staff_literacy": DELETE},
    ),
    "r4_has_shared": ({"q9": "web_content"}, {"q9": "not_shared"}, {"q9": DELETE}),
    "r4_pool": (
        {"q8.hardware": "major"},
        {"q9": "tech_skills", "q8.hardware": "major"},
        {"q9": DELETE, "q8.hardware": "major", "q8.it_maintenance": "major"},
    ),
    "r5_no_capacity": (
        {"q4": ["no_one"]},
        {"q4": ["permanent_inhouse"], "q25": "1_5", "q8.it_maintenance": "major"},
        {"q4": ["dont_know"], "q25": "1_5", "q8.it_maintenance": "major"},
    ),
    "r5_strategy": ({"q6": "no", "q1": 7}, {"q6": "no", "q1": 6}, {"q6": "no", "q1": DELETE}),
    "r5_needs": ({"q8.understanding_needs": "moderate"}, {"q8.understanding_needs": "minor"},
                 {"q8.understanding_needs": "dont_know"}),
}  # fmt: skip

#: More firing fixtures: other branches of a trigger.
EXTRA_FIRING: list[tuple[str, Changes]] = [
    ("r1_service_delivery", {"q3_3": ["none"]}),
    ("r1_comms", {"q5": ["none"]}),
    ("r3_data_concern", {"q8.data_quality": "moderate"}),
    ("r3_impact", {"q10.evaluate": "some_improvement"}),
    ("r4_training_need", {"q8.staff_literacy": "major"}),
    ("r4_pool", {"q8.it_maintenance": "moderate"}),
    ("r5_no_capacity", {"q4": ["shared_roles", "contractor"], "q25": "6_10"}),
    ("r5_no_capacity", {"q4": ["volunteers"], "q8.it_maintenance": "moderate"}),
    ("r5_strategy", {"q6": "dont_know", "q1": 10}),
]

#: More missing fixtures: the other needed answer is the missing one.
EXTRA_MISSING: list[tuple[str, Changes]] = [
    ("r1_service_delivery", {"q3_3": DELETE}),
    ("r2_privacy_video", {"q8.privacy": "major", "q2_2": DELETE}),
    ("r4_pool", {"q8.hardware": "dont_know", "q8.it_maintenance": "dont_know"}),
    ("r5_no_capacity", {"q4": DELETE, "q25": "1_5"}),
    ("r5_strategy", {"q6": DELETE, "q1": 9}),
    ("r3_collect_no_analysis", {task: ["dont_know"] for task in TASKS}),
]


@pytest.fixture(scope="module")
def rules(questionnaire: Questionnaire, rubric: Rubric) -> RuleSet:
    return load_rules(questionnaire, dimensions=rubric.dimension_ids())


def apply(base: dict[str, object], changes: Changes) -> dict[str, object]:
    answers = dict(base)
    for key, value in changes.items():
        if value is DELETE:
            answers.pop(key, None)
        else:
            answers[key] = value
    return answers


def fired(answers: dict[str, object], rubric: Rubric, rules: RuleSet) -> list[str]:
    return [f.rule.id for f in evaluate_rules(answers, score(answers, rubric), rules)]


# --------------------------------------------------------------------------- the worked example


def test_worked_example_fires_exactly_the_ten_listed_rules(rubric: Rubric, rules: RuleSet) -> None:
    assert fired(WORKED_EXAMPLE, rubric, rules) == [
        "r1_technical",
        "r2_privacy",
        "r2_privacy_video",
        "r3_data_concern",
        "r3_impact",
        "r3_level",
        "r4_skills_level",
        "r4_training_need",
        "r4_pool",
        "r5_no_capacity",
    ]


def test_worked_example_groups_are_ordered_by_count_then_number(
    questionnaire: Questionnaire, rubric: Rubric, baseline: Baseline, rules: RuleSet
) -> None:
    groups = recommend(WORKED_EXAMPLE, score(WORKED_EXAMPLE, rubric), questionnaire, baseline, "en", rules)
    assert [(g.recommendation.id, len(g.rules)) for g in groups] == [
        ("R3", 3),
        ("R4", 3),
        ("R2", 2),
        ("R1", 1),
        ("R5", 1),
    ]
    # Every recommendation that fired is shown open (issue 14: R2 and R5 sat collapsed at the bottom).
    assert [g.expanded for g in groups] == [True, True, True, True, True]
    r5 = groups[-1]
    assert r5.why[0].text.startswith("You have no permanent in-house digital capacity and IT maintenance is a concern.")
    assert "46.4% (n = 248, our reading of the report)" in r5.why[0].text
    assert all(g.translated for g in groups)


def test_worked_example_in_french(
    questionnaire: Questionnaire, rubric: Rubric, baseline: Baseline, rules: RuleSet
) -> None:
    groups = recommend(WORKED_EXAMPLE, score(WORKED_EXAMPLE, rubric), questionnaire, baseline, "fr", rules)
    r2 = next(g for g in groups if g.recommendation.id == "R2")
    assert r2.text.startswith("Cerner les occasions d’aider les fournisseurs")
    assert not r2.translated
    assert r2.why[0].text.startswith(
        "Vous avez indiqué que la confidentialité des données représente une préoccupation majeure."
    )
    assert f"comme 41,8{NNBSP}% (n = 239, notre interprétation du rapport) des fournisseurs en 2017" in r2.why[1].text
    assert [link.id for link in r2.links] == ["L05", "L02"]
    assert r2.links[1].note == "[en anglais seulement]"


# --------------------------------------------------------------------------- every rule, three fixtures


def test_strong_profile_fires_only_the_default(
    questionnaire: Questionnaire, rubric: Rubric, baseline: Baseline, rules: RuleSet
) -> None:
    profile = score(STRONG, rubric)
    assert all(ds.level is not None and ds.level.number == 4 for ds in profile.dimensions), profile.as_dict()
    assert fired(STRONG, rubric, rules) == ["r0_default"]
    (group,) = recommend(STRONG, profile, questionnaire, baseline, "en", rules)
    assert group.recommendation.id == "R4" and group.full_list
    assert group.why[0].text.startswith("Your answers did not flag a specific gap.")


def test_no_answers_fire_only_the_default(rubric: Rubric, rules: RuleSet) -> None:
    assert fired({}, rubric, rules) == ["r0_default"]


def test_default_does_not_fire_with_another_rule(rubric: Rubric, rules: RuleSet) -> None:
    assert fired(apply(STRONG, {"q8.internet_access": "major"}), rubric, rules) == ["r1_internet"]


def test_every_rule_has_fixtures(rules: RuleSet) -> None:
    assert set(CASES) | {"r0_default"} == {rule.id for rule in rules.rules}
    assert len(rules.rules) == 20


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires(rule_id: str, rubric: Rubric, rules: RuleSet) -> None:
    assert rule_id in fired(apply(STRONG, CASES[rule_id][0]), rubric, rules)


@pytest.mark.parametrize(("rule_id", "changes"), EXTRA_FIRING)
def test_rule_fires_on_other_branches(rule_id: str, changes: Changes, rubric: Rubric, rules: RuleSet) -> None:
    assert rule_id in fired(apply(STRONG, changes), rubric, rules)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_does_not_fire(rule_id: str, rubric: Rubric, rules: RuleSet) -> None:
    assert rule_id not in fired(apply(STRONG, CASES[rule_id][1]), rubric, rules)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_ignores_missing_answers(rule_id: str, rubric: Rubric, rules: RuleSet) -> None:
    answers = apply(apply(STRONG, CASES[rule_id][0]), CASES[rule_id][2])
    assert rule_id not in fired(answers, rubric, rules)


@pytest.mark.parametrize(("rule_id", "changes"), EXTRA_MISSING)
def test_rule_ignores_other_missing_answers(rule_id: str, changes: Changes, rubric: Rubric, rules: RuleSet) -> None:
    answers = apply(apply(STRONG, CASES[rule_id][0]), changes)
    assert rule_id not in fired(answers, rubric, rules)


def test_level_rules_need_a_level(rubric: Rubric, rules: RuleSet) -> None:
    answers = apply(STRONG, {key: DELETE for key in PR_KEYS + SK_KEYS})
    profile = score(answers, rubric)
    assert profile.level("PR") is None and profile.level("SK") is None
    ids = fired(answers, rubric, rules)
    assert "r3_level" not in ids and "r4_skills_level" not in ids


def test_each_recommendation_is_reachable(rubric: Rubric, rules: RuleSet) -> None:
    reached = set()
    for rule_id, (firing, _quiet, _missing) in CASES.items():
        answers = apply(STRONG, firing)
        if rule_id in fired(answers, rubric, rules):
            reached.add(rules.rule(rule_id).recommendation)
    assert reached == {"R1", "R2", "R3", "R4", "R5"}


# --------------------------------------------------------------------------- why-lines


def _group_of(groups: list[RecommendationGroup], rule_id: str) -> RecommendationGroup:
    return next(g for g in groups if rule_id in g.rules)


@pytest.mark.parametrize("rule_id", sorted(CASES))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_why_lines_name_the_triggering_answers(
    rule_id: str, lang: str, questionnaire: Questionnaire, rubric: Rubric, baseline: Baseline, rules: RuleSet
) -> None:
    changes = CASES[rule_id][0]
    answers = apply(STRONG, changes)
    groups = recommend(answers, score(answers, rubric), questionnaire, baseline, lang, rules)
    line = next(w for w in _group_of(groups, rule_id).why if w.rule_id == rule_id)
    assert "{" not in line.text and "}" not in line.text
    assert line.answers, "a why-line must carry the answers that triggered it"
    keys = {ref.key for ref in line.answers}
    if rules.rule(rule_id).trigger.__class__.__name__ == "LevelCondition":
        assert keys & {"level:PR", "level:SK"}
    else:
        assert keys & set(changes), (keys, changes)
    for ref in line.answers:
        assert ref.question and ref.answer and ref.answer != "—"
    assert line.steps and all(step for step in line.steps)


@pytest.mark.parametrize(
    ("changes", "rule_id", "en", "fr"),
    [
        ({"q8.privacy": "major"}, "r2_privacy", "You rated data privacy as a major concern.",
         "la confidentialité des données représente une préoccupation majeure."),
        ({"q8.internet_access": "moderate"}, "r1_internet", "You rated Internet access as a moderate concern.",
         "l’accès à Internet représente une préoccupation modérée."),
        ({"q8.data_management": "major"}, "r3_data_concern", "You rated data management as a major concern.",
         "la gestion des données représente une préoccupation majeure."),
        ({"q8.evaluating_impact": "major"}, "r3_impact", "You see evaluating impact as a concern.",
         "Vous considérez l’évaluation de l’incidence comme une préoccupation."),
        ({"q8.hardware": "major"}, "r4_pool", "and hardware is a concern.", "et le matériel vous préoccupe."),
        ({"q9": "data_other_providers"}, "r4_has_shared", "(data collected by other providers)",
         "(données recueillies par d’autres fournisseurs)"),
        ({"q15.privacy_guidance": "extremely"}, "r2_privacy_support", 'You answered "extremely important"',
         "Vous avez répondu «\u00a0extrêmement important\u00a0»"),
        ({"q4": ["no_one"]}, "r5_no_capacity", "No one is formally responsible for digital capacity.",
         "Personne n’est officiellement responsable des capacités numériques."),
        ({"q4": ["shared_roles"], "q25": "1_5"}, "r5_no_capacity", "and your team has 1–5 employees.",
         "et votre équipe compte 1 à 5 employés."),
        ({"q6": "no", "q1": 8}, "r5_strategy",
         "You rated digital capacity 8/10 for your mission but have no digital strategy. In 2017, 40.7% (n = 248, "
         "published figure) of providers had a digital strategy.",
         f"mais vous n’avez pas de stratégie numérique. En 2017, 40,7{NNBSP}% (n = 248, chiffre publié) des "
         "fournisseurs avaient une stratégie numérique."),
        ({"q6": "dont_know", "q1": 7}, "r5_strategy", "but do not know whether you have a digital strategy",
         "mais vous ne savez pas si vous avez une stratégie numérique"),
        ({"q5": ["none"]}, "r1_comms", "You use digital tools for 0 kinds of external communication. In 2017, 90.7% "
         "(n = 248, our reading of the report) of providers used them to announce events",
         f"pour 0 type de communication externe. En 2017, 90,7{NNBSP}% (n = 248, notre interprétation du rapport) "
         "des fournisseurs s’en servaient pour annoncer des événements"),
        ({task: ["email", "analytics", "sms"] for task in TASKS}, "r1_basic",
         "you use 2 of the 7 basic tools in our list: email, text messaging (SMS).",
         "vous utilisez 2 des 7 outils de base de notre liste\u00a0: courriel, messagerie texte (SMS)."),
        ({"q4": ["contractor"], "q2_2": ["email"], "q10.train_staff": "neutral", "q8.staff_literacy": "minor"},
         "r4_skills_level", "Your Skills and training score is 29/100 (Developing).",
         "compétences et la formation est de 29/100 (En développement)."),
    ],
)  # fmt: skip
def test_why_text_renders_placeholders_and_variants(
    changes: Changes,
    rule_id: str,
    en: str,
    fr: str,
    questionnaire: Questionnaire,
    rubric: Rubric,
    baseline: Baseline,
    rules: RuleSet,
) -> None:
    answers = apply(STRONG, changes)
    profile = score(answers, rubric)
    for lang, expected in (("en", en), ("fr", fr)):
        groups = recommend(answers, profile, questionnaire, baseline, lang, rules)
        line = next(w for w in _group_of(groups, rule_id).why if w.rule_id == rule_id)
        assert expected in line.text, line.text


def test_why_lines_follow_rule_order_and_links_are_capped(
    questionnaire: Questionnaire, rubric: Rubric, baseline: Baseline, rules: RuleSet
) -> None:
    answers = apply(STRONG, {"q8.privacy": "major", "q2_2": ["video"], "q15.privacy_guidance": "extremely"})
    for lang in ("en", "fr"):
        (group,) = recommend(answers, score(answers, rubric), questionnaire, baseline, lang, rules)
        assert group.rules == ("r2_privacy", "r2_privacy_video", "r2_privacy_support")
        assert [w.rule_id for w in group.shown_why] == list(group.rules)
        assert [link.id for link in group.links] == ["L05", "L02"]
    answers = apply(STRONG, {"q3_3": ["email"], **{t: ["email"] for t in TASKS if t != "q3_3"}})
    groups = recommend(answers, score(answers, rubric), questionnaire, baseline, "fr", rules)
    r1 = next(g for g in groups if g.recommendation.id == "R1")
    assert len(r1.links) <= 3


def test_french_links_put_french_pages_first(
    questionnaire: Questionnaire, rubric: Rubric, baseline: Baseline, rules: RuleSet
) -> None:
    answers = apply(STRONG, {"q10.train_staff": "great_need"})
    profile = score(answers, rubric)
    en = _group_of(recommend(answers, profile, questionnaire, baseline, "en", rules), "r4_training_need")
    fr = _group_of(recommend(answers, profile, questionnaire, baseline, "fr", rules), "r4_training_need")
    assert [link.id for link in en.links] == ["L10", "L05"]
    assert [link.id for link in fr.links] == ["L05", "L10"]
    assert en.links[1].note == "[French page]" and fr.links[0].note is None
    assert [link.id for link in practice_links(rules, "fr")][:3] == ["L01", "L05", "L09"]


def test_links_match_the_source(rules: RuleSet) -> None:
    source = json.loads(BASELINE_2017_SOURCE.read_text(encoding="utf-8"))
    practices = source["meta"]["innovative_practices"]
    # The same words as the source; French typography (’, no-break spaces) per issue 16.
    assert [(link.name, link.url_2017, link.english_only) for link in rules.links] == [
        (fix(p["name"], "fr"), p["url"], p["english_only"]) for p in practices
    ]
    recommendations = source["meta"]["recommendations_fr"]
    assert [r.text.fr for r in rules.recommendations] == [fix(text, "fr") for text in recommendations]


QUESTIONNAIRE = load_questionnaire()
RUBRIC = load_rubric(QUESTIONNAIRE)
BASELINE = load_baseline(QUESTIONNAIRE)
RULES = load_rules(QUESTIONNAIRE)


@settings(max_examples=100, deadline=None)
@given(answer_sets(QUESTIONNAIRE))
def test_any_answers_render_cleanly(answers: dict[str, object]) -> None:
    profile = score(answers, RUBRIC)
    ids = [f.rule.id for f in evaluate_rules(answers, profile, RULES)]
    assert ids and (ids == ["r0_default"] or "r0_default" not in ids)
    for lang in ("en", "fr"):
        groups = recommend(answers, profile, QUESTIONNAIRE, BASELINE, lang, RULES)
        assert sum(len(g.rules) for g in groups) == len(ids)
        counts = [len(g.rules) for g in groups]
        assert counts == sorted(counts, reverse=True)
        for group in groups:
            assert len(group.links) <= 3
            for line in group.why:
                assert "{" not in line.text and "—" not in line.text


# --------------------------------------------------------------------------- validation


def _plant(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "recommendations.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in data["rules"] if r["id"] == rule_id)


@pytest.mark.parametrize(
    ("rule_id", "change", "message"),
    [
        ("r2_privacy", lambda r: r.update(trigger={"answer": "q8.privacy", "in": ["catastrophic"]}), "catastrophic"),
        ("r1_internet", lambda r: r.update(trigger={"answer": "q8.wifi", "in": ["major"]}), "q8.wifi"),
        ("r4_has_shared", lambda r: r.update(trigger={"answer": "q19", "in": ["other"]}), "q19"),
        ("r5_strategy", lambda r: r["trigger"]["all_of"][0].update({"in": [False]}), "quote it"),
        ("r1_basic", lambda r: r["links"].append("L13"), "L13"),
        ("r1_comms", lambda r: r["why"][0].update(en="{fig:q5.bake_sales}"), "bake_sales"),
        ("r3_level", lambda r: r.update(trigger={"level": "XX", "in": [1]}), "XX"),
        ("r1_technical", lambda r: r["trigger"]["all_of"][1]["tools"].update(set=["fax"]), "fax"),
        ("r2_privacy", lambda r: r["why"][0].update(en="You rated {label:q8.privacy} {oops}."), "placeholder"),
        ("r2_privacy", lambda r: r.update(trigger={"answer": "q8.privacy", "contains": ["major"]}), "contains"),
    ],
)
def test_invalid_rules_name_the_rule(
    tmp_path: Path, questionnaire: Questionnaire, rule_id: str, change: Any, message: str
) -> None:
    path = _plant(tmp_path, lambda data: change(_rule(data, rule_id)))
    with pytest.raises(RulesError, match=rf"rule {rule_id}\b.*{message}"):
        load_rules(questionnaire, path)


def test_unknown_item_in_a_task_set_is_rejected(tmp_path: Path, questionnaire: Questionnaire) -> None:
    path = _plant(tmp_path, lambda data: data["sets"]["tasks"]["ALL"].append("q2_5"))
    with pytest.raises(RulesError, match="task set ALL.*q2_5"):
        load_rules(questionnaire, path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _rule(d, "r1_basic").update(priority="1"), r"rule r1_basic: priority must be an integer, got '1'"),
        (lambda d: _rule(d, "r1_basic").update(ful_list=True), r"rule r1_basic: unknown field\(s\) ful_list"),
        (lambda d: _rule(d, "r1_basic")["why"][0].pop("fr"), r"rule r1_basic: why\[0\]: the FR text is missing"),
        (lambda d: _rule(d, "r1_basic")["steps"].append("Do it"), r"rule r1_basic: steps\[\d+\] must be a mapping"),
        (lambda d: _rule(d, "r1_basic").pop("trigger"), r"rule r1_basic: trigger is required"),
        (lambda d: d["rules"][0].update(id="rule one"), r"rule rule one: id must match .*, got 'rule one'"),
        (lambda d: d["links"][0].update(url_2017="ftp://x"), r"link L01: url_2017 must match \^http, got 'ftp://x'"),
        (lambda d: d["links"][0].update(english_only="no"), r"link L01: english_only must be true or false, got 'no'"),
        (lambda d: d["recommendations"][0].update(id="X1"), r"recommendation X1: id must match .*, got 'X1'"),
        (lambda d: d["recommendations"][0]["text"].update(en=""), r"recommendation R1: text: the EN text is missing"),
        (lambda d: d["sets"]["tools"]["BASIC"].append(3), r"sets: tool set BASIC\[\d+\] must be a string, got 3"),
        (lambda d: d.pop("version"), r"recommendations file: version is required"),
    ],
)
def test_shape_errors_name_the_entry(tmp_path: Path, questionnaire: Questionnaire, change: Any, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        load_rules(questionnaire, _plant(tmp_path, change))
