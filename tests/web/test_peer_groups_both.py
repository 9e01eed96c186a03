"""The peer group "both" (issue 14, item 5): the same size band AND the same province or territory.

Declared as data (``combined_groupings`` in questionnaire.yaml), counted in the summary counts
under ``latest_score`` (one key per size band and province/territory pair), recounted independently,
backfilled by migration 0013 into the live counts and the latest release, and offered on the results
page, its JSON and its PDF under k and noise like every other group.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade

from benchmark.extensions import db
from benchmark.store import assessments as services
from benchmark.store import summary
from benchmark.store.content import content
from benchmark.store.facts import FactStorageError
from benchmark.store.models import ReleasedCount, ReleasePending, SummaryCount, SummaryRelease
from benchmark.store.scores import profile_of, stored_scores
from benchmark.store.summary.recount import recount, recount_combined
from tests.factories import PROJECT_ROOT, make_app, reset, seed_submission

QUESTIONNAIRE = PROJECT_ROOT / "benchmark" / "core" / "data" / "questionnaire.yaml"
#: The organisation read: 6–10 employees, in Ontario and Quebec (FACTS of test_peer_groups).
LABELS = {
    "en": {
        "size_reg:on": "Same size and same province or territory (6–10 employees, Ontario)",
        "size_reg:qc": "Same size and same province or territory (6–10 employees, Quebec)",
    },
    "fr": {
        "size_reg:on": "Même taille et même province ou territoire (6 à 10 employés, Ontario)",
        "size_reg:qc": "Même taille et même province ou territoire (6 à 10 employés, Québec)",
    },
}


#: The facts of every organisation unless a test says otherwise (as in tests/web/test_peer_groups.py).
FACTS: dict[str, Any] = {"q23": "yes_current", "q25": "6_10", "q26": ["on", "qc"], "n2": "yes"}


def varied_answers(app: Flask, seed: int, **facts: Any) -> dict[str, Any]:
    """Random but complete answers (every component scored), with these facts."""
    rng = random.Random(seed)
    answers: dict[str, Any] = {}
    for item in app.extensions["content"].questionnaire.iter_items():
        plain = [o.id for o in item.options if not o.missing and not o.exclusive]
        for key in item.answer_keys():
            if item.kind.numeric:
                answers[key] = rng.randint(0, 10)
            elif item.kind.multiple:
                answers[key] = rng.sample(plain, rng.randint(1, len(plain)))
            else:
                answers[key] = rng.choice(plain)
    return {**answers, **FACTS, **facts}


def peer_section(html: str) -> str:
    return html.split('id="peers"')[1].split("</section>")[0]


def unescape(text: str) -> str:
    return text.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"').replace("&quot;", '"')


def combined(counts: Counter[Any], name: str = "size_reg") -> Counter[Any]:
    """The latest_score counts of a combined grouping: ``{(group_value, dimension, score): n}``."""
    result: Counter[Any] = Counter()
    for key, n in counts.items():
        if key[1] == "latest_score" and key[2] == name and n:
            result[(key[3], key[4], key[6])] += n
    return result


def values(counts: Counter[Any]) -> dict[str, int]:
    """Organisations per combined value (the most counted under any one dimension)."""
    per: Counter[tuple[str, str]] = Counter()
    for (value, dimension, _score), n in counts.items():
        per[(value, dimension)] += n
    result: dict[str, int] = {}
    for (value, _dimension), n in per.items():
        result[value] = max(result.get(value, 0), n)
    return result


@pytest.fixture
def pool(database_url: str, _schema: None) -> Iterator[tuple[Flask, str]]:
    """k = 10; 12 organisations of 6–10 employees in Ontario and Quebec, and one's token."""
    app = make_app(database_url, PEER_MIN_GROUP=10)
    tokens = [seed_submission(app, varied_answers(app, seed)) for seed in range(12)]
    try:
        yield app, tokens[0]
    finally:
        reset(app)


# --------------------------------------------------------------------------- the page, JSON and PDF


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_combined_group_is_offered_with_its_n_in_words(pool: tuple[Flask, str], lang: str) -> None:
    app, token = pool
    client = app.test_client()
    data = client.get(f"/{lang}/results/{token}/data.json").get_json()
    groups = {group["group"]: group for group in data["peers"]["groups"]}
    for key, label in LABELS[lang].items():
        assert groups[key]["label"] == label and groups[key]["n"] == 12
        assert all(c is not None and c["n"] == 12 for c in groups[key]["components"].values())
        # The same histogram as the province's (every organisation has the same size): the same private figures.
        province = groups[key.replace("size_reg", "region")]["components"]
        assert groups[key]["components"] == province
    default = unescape(peer_section(client.get(f"/{lang}/results/{token}").get_data(as_text=True)))
    for key, label in LABELS[lang].items():
        assert f'<option value="{key}">{label}</option>' in default
        section = unescape(peer_section(client.get(f"/{lang}/results/{token}?peers={key}").get_data(as_text=True)))
        assert f'<option value="{key}" selected>' in section
        assert f"<h3>{label}</h3>" in section
        n = "12 organizations in this group." if lang == "en" else "12 organisations dans ce groupe."
        assert n in section and 'id="peer-chart"' in section


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_pdf_shows_the_combined_groups(pool: tuple[Flask, str], tmp_path: Path) -> None:
    app, token = pool
    response = app.test_client().get(f"/en/results/{token}/report.pdf")
    assert response.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    for label in LABELS["en"].values():
        assert label in text


def test_no_combined_group_without_a_size_or_a_province(database_url: str, _schema: None) -> None:
    app = make_app(database_url, PEER_MIN_GROUP=2)
    try:
        client = app.test_client()
        for seed in range(3):
            seed_submission(app, varied_answers(app, seed))
        no_size = seed_submission(app, {k: v for k, v in varied_answers(app, 5).items() if k != "q25"})
        no_region = seed_submission(app, {**varied_answers(app, 6), "q26": []})
        both = seed_submission(app, varied_answers(app, 7))
        keys = {
            token: [g["group"] for g in client.get(f"/en/results/{token}/data.json").get_json()["peers"]["groups"]]
            for token in (no_size, no_region, both)
        }
        assert "size" not in keys[no_size] and "region:on" in keys[no_size]
        assert "size" in keys[no_region] and not any(key.startswith("region") for key in keys[no_region])
        for token in (no_size, no_region):
            assert not any(key.startswith("size_reg") for key in keys[token]), keys[token]
            page = client.get(f"/en/results/{token}").get_data(as_text=True)
            assert "Same size and same province or territory" not in page
        assert keys[both][-2:] == ["size_reg:on", "size_reg:qc"]
        with app.app_context():
            counted = values(combined(summary.stored()))
        assert counted == {"6_10.on": 4, "6_10.qc": 4}  # the two without both facts count under neither
    finally:
        reset(app)


def test_a_combined_group_below_k_shows_nothing(database_url: str, _schema: None) -> None:
    app = make_app(database_url, PEER_MIN_GROUP=3)
    try:
        client = app.test_client()
        own = seed_submission(app, varied_answers(app, 0))
        # Two more in Ontario and Quebec, but larger: the provinces reach k = 3, size and province together do not.
        for seed in (1, 2):
            seed_submission(app, varied_answers(app, seed, q25="51_plus"))
        groups = {g["group"]: g for g in client.get(f"/en/results/{own}/data.json").get_json()["peers"]["groups"]}
        assert groups["region:on"]["n"] == 3 and groups["region:qc"]["n"] == 3
        for key in ("size_reg:on", "size_reg:qc"):
            assert groups[key]["n"] is None
            assert all(component is None for component in groups[key]["components"].values())
            for lang, words in (
                ("en", "Not enough organizations yet (fewer than 3 in this group)."),
                ("fr", "Pas assez d’organisations pour l’instant (moins de 3 dans ce groupe)."),
            ):
                page = client.get(f"/{lang}/results/{own}?peers={key}").get_data(as_text=True)
                section = unescape(peer_section(page))
                assert words in section
                assert "peer-chart-data" not in section and 'class="data-table' not in section
                assert "1 organization" not in section and "1 organisation" not in section
    finally:
        reset(app)


# --------------------------------------------------------------------------- the counts


def test_combined_counts_equal_a_recount_after_submit_retake_and_deletion(app: Flask) -> None:
    with app.app_context():
        q = content().questionnaire

        def check(expected: dict[str, int]) -> None:
            db.session.expire_all()
            assert summary.mismatches() == {}
            assert values(combined(summary.stored())) == expected

        first = {**varied_answers(app, 1), "q25": "1_5", "q26": ["on", "qc"]}
        draft, _ = services.start_assessment(q, "en", None)
        services.save_answers(draft, first, "organisation")
        check({})  # a draft counts under no combined group (only latest submissions' scores do)
        services.submit(draft, stored_scores(profile_of(first)))
        check({"1_5.on": 1, "1_5.qc": 1})
        second = {**first, "q25": "51_plus", "q26": ["yt"]}  # taken again: another size, one territory
        again, _ = services.start_assessment(q, "en", None, previous=draft)
        services.save_answers(again, second, "organisation")
        check({"1_5.on": 1, "1_5.qc": 1})  # the retake's draft changes nothing yet
        services.submit(again, stored_scores(profile_of(second)))
        check({"51_plus.yt": 1})  # only the latest submission counts
        other, _ = services.start_assessment(q, "en", None, synthetic=True)
        services.save_answers(other, first, "organisation")
        services.submit(other, stored_scores(profile_of(first)))
        counts = summary.stored()
        assert values(combined(Counter({k: n for k, n in counts.items() if k[0]}))) == {"1_5.on": 1, "1_5.qc": 1}
        services.delete_assessment(again)  # the previous submission is the latest again
        check({"1_5.on": 2, "1_5.qc": 2})
        services.delete_assessment(other)
        services.delete_assessment(draft)
        check({})


def test_the_recount_finds_a_wrong_combined_count(app: Flask) -> None:
    """The recount is its own query: a combined count off by one is a mismatch, and rebuild repairs it."""
    seed_submission(app, varied_answers(app, 3))
    with app.app_context():
        wrong = db.session.execute(
            sa.update(SummaryCount)
            .where(SummaryCount.grouping == "size_reg", SummaryCount.group_value == "6_10.qc")
            .values(count=SummaryCount.count + 1)
        )
        assert wrong.rowcount == 4  # one row per component
        db.session.commit()
        mismatches = summary.mismatches()
        assert len(mismatches) == 4 and all(key[2:4] == ("size_reg", "6_10.qc") for key in mismatches)
        assert set(mismatches.values()) == {(2, 1)}
        summary.rebuild()
        db.session.commit()
        assert summary.mismatches() == {}


def test_a_second_questionnaire_combines_other_facts_with_a_general_heading(
    database_url: str, _schema: None, tmp_path: Path
) -> None:
    """Which facts combine is data: age band and n2 (both single choice) get a general heading."""
    text = QUESTIONNAIRE.read_text(encoding="utf-8")
    text = text.replace('fact: {column: "age_band"}', 'fact: {column: "age_band", grouping: "age", peer_group: true}')
    path = tmp_path / "too-long.yaml"
    # Age band and IRCC funding would not fit the counts' value column ("11_25.yes_current" is 17 > 16).
    path.write_text(text.replace('of: ["size", "region"]', 'of: ["age", "funding"]'), encoding="utf-8")
    with pytest.raises(FactStorageError, match=r"combined grouping 'size_reg': its longest value .* over 16"):
        make_app(database_url, QUESTIONNAIRE_PATH=str(path))
    text = text.replace('of: ["size", "region"]', 'of: ["age", "franco"]').replace('"size_reg"', '"age_fr"')
    path = tmp_path / "questionnaire.yaml"  # another file: the content is cached by path
    path.write_text(text, encoding="utf-8")
    app = make_app(database_url, QUESTIONNAIRE_PATH=str(path), PEER_MIN_GROUP=2)
    try:
        tokens = [seed_submission(app, {**varied_answers(app, seed), "q24": "11_25"}) for seed in range(2)]
        data = app.test_client().get(f"/en/results/{tokens[0]}/data.json").get_json()
        group = data["peers"]["groups"][-1]
        assert group["group"] == "age_fr" and group["n"] == 2
        assert group["label"] == (
            "Same answers as yours to “Age of the organization” and “Serves francophone minority communities” "
            "(11 to 25 years, Yes)"
        )
        assert not any(g["group"].startswith("size_reg") for g in data["peers"]["groups"])
        with app.app_context():
            assert values(combined(summary.stored(), "age_fr")) == {"11_25.yes": 2}
    finally:
        reset(app)


# --------------------------------------------------------------------------- migration 0013


def released(release_id: int) -> Counter[Any]:
    rows = db.session.execute(
        sa.select(*(getattr(ReleasedCount, c) for c in summary.KEY_COLUMNS), ReleasedCount.count).where(
            ReleasedCount.release_id == release_id
        )
    )
    return Counter({tuple(row[:-1]): row[-1] for row in rows})


def test_migration_0013_backfills_the_live_counts_and_the_latest_release(database_url: str, _schema: None) -> None:
    """Down to 0012 and up again (SQLite, PostgreSQL): the live counts equal a recount again, and the latest
    release gets the combined groups of the organisations unchanged since it was cut, not of the others."""
    seeding = make_app(database_url)  # a release after every change
    held = make_app(database_url, RELEASE_MIN_CHANGES=10)  # changes wait for the next release
    try:
        for seed in range(4):
            seed_submission(seeding, varied_answers(seeding, seed))
        seed_submission(held, varied_answers(held, 9, q25="1_5", q26=["bc"]))  # after the latest release
        with held.app_context():
            release_id = db.session.scalar(sa.select(sa.func.max(SummaryRelease.id)))
            assert db.session.scalar(sa.select(sa.func.count()).select_from(ReleasePending)) == 1
            live_before, release_before = summary.stored(), released(release_id)
            assert values(combined(release_before)) == {"6_10.on": 4, "6_10.qc": 4}
            assert values(combined(live_before)) == {"6_10.on": 4, "6_10.qc": 4, "1_5.bc": 1}
            db.session.remove()  # no open transaction may hold a lock the migrations' DDL waits for (PostgreSQL)
            downgrade(revision="0012")
            db.session.remove()
            assert not combined(summary.stored()) and not combined(released(release_id))
            # The recount knows them (present_only: the later migration's column is down too).
            recounted, have = recount(db.session, present_only=True), summary.stored()
            assert {key for key in recounted.keys() | have.keys() if recounted[key] != have[key]} == set(
                combined_keys(live_before)
            )
            db.session.remove()
            upgrade()
            db.session.remove()
            assert summary.stored() == live_before and summary.mismatches() == {}
            # The organisation that changed after the cut is left out of the release (it joins at the next).
            assert released(release_id) == release_before
            db.session.remove()
            downgrade(revision="0012")
            upgrade()  # twice: nothing counted twice
            db.session.remove()
            assert summary.stored() == live_before and released(release_id) == release_before
            left_out = recount_combined(db.session, pool=False) - recount_combined(
                db.session, pool=False, leave_out=sa.select(ReleasePending.organisation_id)
            )
            assert values(combined(left_out)) == {"1_5.bc": 1}
    finally:
        reset(held)
        reset(seeding)


def combined_keys(counts: Counter[Any]) -> list[Any]:
    """The keys that 0013 and 0016 add: every combined grouping, and re-assessed by group (0016)."""
    return [
        key
        for key, n in counts.items()
        if n
        and (
            (key[1] == "latest_score" and key[2] in {"size_reg", "fund_reg"})
            or (key[1] == "reassessed" and key[2] != "month")
        )
    ]
