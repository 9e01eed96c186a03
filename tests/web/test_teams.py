"""Several respondents per organisation: team link, joining, combined profile, counting once, leaving, revoking.

Also the attacker's side: a colleague cannot read another's answers or private link, the team
link opens no one's results, and a revoked link opens nothing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from benchmark.extensions import db
from benchmark.intermediaries.workshops import services as workshop_services
from benchmark.store import assessments as services
from benchmark.store import summary, teams
from benchmark.store.models import Assessment, SummaryCount, Team, TeamMember, Workshop
from benchmark.store.scores import profile_of, stored_scores
from benchmark.web.logging import redact
from tests.factories import (
    TOKEN_IN_URL,
    create_workshop,
    first_answers,
    seed_participant,
    seed_submission,
    signed_in,
)

TEAM_LINK = re.compile(r"/team/join/([A-Za-z0-9_-]{43})")


def _answers(app: Flask, **changes: Any) -> dict[str, Any]:
    answers = first_answers(app)
    answers.update(changes)
    return answers


def _scale_and_single(app: Flask) -> tuple[str, str, list[str]]:
    q = app.extensions["content"].questionnaire
    scale = next(i.id for i in q.iter_items() if i.type == "scale_0_10")
    single = next(i for i in q.iter_items() if i.type == "single" and not i.fact and len(i.options) >= 3)
    return scale, single.id, [o.id for o in single.options]


def make_team_link(client: FlaskClient, token: str, lang: str = "en") -> str:
    response = client.post(f"/{lang}/team/{token}/link")
    assert response.status_code == 200
    match = TEAM_LINK.search(response.get_data(as_text=True))
    assert match
    return match.group(1)


def join_and_submit(app: Flask, client: FlaskClient, team_token: str, answers: dict[str, Any], lang: str = "en") -> str:
    response = client.post(f"/{lang}/team/join/{team_token}")
    assert response.status_code == 303
    match = TOKEN_IN_URL.search(response.headers["Location"])
    assert match and f"/{lang}/assessment/" in response.headers["Location"]
    token = match.group(1)
    with app.app_context():
        assessment = services.find_by_token(token)
        assert assessment is not None and assessment.is_colleague and assessment.language == lang
        services.save_answers(assessment, answers, "organisation")
        services.submit(assessment, stored_scores(profile_of(answers)))
    return token


def pooled_organisations(app: Flask) -> tuple[int, int]:
    """(organisations in the latest-score pool of the first component, submissions counted) from the stored counts."""
    with app.app_context():
        dimension = app.extensions["content"].rubric.dimension_ids()[0]
        latest = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(SummaryCount.count), 0)).where(
                SummaryCount.metric == "latest_score",
                SummaryCount.grouping == "all",
                SummaryCount.dimension == dimension,
            )
        )
        submitted = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(SummaryCount.count), 0)).where(
                SummaryCount.metric == "submitted", SummaryCount.grouping == "month"
            )
        )
        return int(latest or 0), int(submitted or 0)


def counts_equal_recount(app: Flask) -> bool:
    with app.app_context():
        stored = {
            (r.is_synthetic, r.metric, r.grouping, r.group_value, r.dimension, r.version, r.bucket): r.count
            for r in db.session.scalars(sa.select(SummaryCount))
            if r.count
        }
        return stored == {key: n for key, n in summary.recount().items() if n}


def test_three_colleagues_count_as_one_organisation_and_the_combined_profile_shows_the_spread(
    app: Flask, client: FlaskClient
) -> None:
    scale, single, options = _scale_and_single(app)
    seed_submission(app, _answers(app))  # another organisation, already in the pool
    before = pooled_organisations(app)
    owner = seed_submission(app, _answers(app, **{scale: 1, single: options[0]}))
    link = make_team_link(client, owner)
    join_and_submit(app, client, link, _answers(app, **{scale: 9, single: options[1]}))
    french = join_and_submit(app, client, link, _answers(app, **{scale: 5, single: options[2]}), lang="fr")
    after = pooled_organisations(app)
    assert after == (before[0] + 1, before[1] + 1)  # one organisation, one submission: the colleagues count for nothing
    assert counts_equal_recount(app)

    page = client.get(f"/en/team/{owner}").get_data(as_text=True)
    assert "Your team&#39;s combined profile" in page or "Your team's combined profile" in page
    assert "3 respondents in the team" in page and "3 have submitted" in page
    assert "Where your answers differ most" in page and "To discuss:" in page
    assert "Spread: 80 of 100" in page  # the 0–10 scale: 1, 9 and 5 → (9 − 1) / 10
    fr = client.get(f"/fr/team/{french}").get_data(as_text=True)
    assert "Profil combiné de votre équipe" in fr and "À discuter" in fr
    assert "Quitter l’équipe" in fr  # a colleague can leave; the owner manages the link instead
    assert "Inviter des collègues" not in fr


def test_the_combined_profile_needs_two_submissions(app: Flask, client: FlaskClient) -> None:
    owner = seed_submission(app, _answers(app))
    link = make_team_link(client, owner)
    assert "appears once at least two of you have submitted" in client.get(f"/en/team/{owner}").get_data(as_text=True)
    client.post(f"/en/team/join/{link}")  # a colleague's draft does not count
    page = client.get(f"/en/team/{owner}").get_data(as_text=True)
    assert "2 respondents in the team" in page and "1 has submitted" in page
    assert "appears once at least two of you have submitted" in page


def test_a_colleague_leaves_keeping_or_deleting_their_answers(app: Flask, client: FlaskClient) -> None:
    scale, _, _ = _scale_and_single(app)
    owner = seed_submission(app, _answers(app, **{scale: 0}))
    link = make_team_link(client, owner)
    keeper = join_and_submit(app, client, link, _answers(app, **{scale: 10}))
    deleter = join_and_submit(app, client, link, _answers(app, **{scale: 4}))
    before = pooled_organisations(app)
    assert client.post(f"/en/team/{keeper}/leave", data={}).status_code == 400  # no choice: asked again
    assert client.post(f"/en/team/{keeper}/leave", data={"answers": "keep"}).status_code == 303
    assert client.get(f"/en/results/{keeper}").status_code == 200  # still theirs
    assert "You are not in a team" in client.get(f"/en/team/{keeper}").get_data(as_text=True)
    page = client.get(f"/en/team/{owner}").get_data(as_text=True)
    assert "2 respondents in the team" in page and "Spread: 40 of 100" in page  # 0 and 4 only
    response = client.post(f"/en/team/{deleter}/leave", data={"answers": "delete"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/assessment/deleted")
    assert client.get(f"/en/results/{deleter}").status_code == 404
    assert "appears once at least two" in client.get(f"/en/team/{owner}").get_data(as_text=True)
    assert pooled_organisations(app) == before  # kept answers stay out of every pool
    assert counts_equal_recount(app)
    with app.app_context():
        # Taking the questionnaire again on their own, the one who left is an organisation of their own.
        kept = services.find_by_token(keeper)
        assert kept is not None
        again, _ = services.start_assessment(app.extensions["content"].questionnaire, "en", None, previous=kept)
        assert not again.is_colleague


def test_revoking_the_link_refuses_it_and_the_owner_cannot_leave(app: Flask, client: FlaskClient) -> None:
    owner = seed_submission(app, _answers(app))
    link = make_team_link(client, owner)
    assert client.get(f"/en/team/join/{link}").status_code == 200
    assert client.post(f"/en/team/{owner}/leave", data={"answers": "delete"}).status_code == 404
    assert client.post(f"/en/team/{owner}/revoke").status_code == 303
    assert client.get(f"/en/team/join/{link}").status_code == 404
    assert client.post(f"/en/team/join/{link}").status_code == 404
    newer = make_team_link(client, owner)  # a new link works, the old one still does not
    assert newer != link and client.get(f"/fr/team/join/{newer}").status_code == 200
    assert client.get(f"/en/team/join/{link}").status_code == 404


def test_a_colleague_cannot_manage_the_link_or_read_the_others(app: Flask, client: FlaskClient) -> None:
    owner = seed_submission(app, _answers(app))
    link = make_team_link(client, owner)
    colleague = join_and_submit(app, client, link, _answers(app))
    assert client.post(f"/en/team/{colleague}/link").status_code == 404
    assert client.post(f"/en/team/{colleague}/revoke").status_code == 404
    page = client.get(f"/en/team/{colleague}").get_data(as_text=True)
    assert owner not in page and link not in page  # neither the owner's private link nor the team link
    own = client.get(f"/en/team/{owner}").get_data(as_text=True)
    assert colleague not in own
    # The team link is not a private link: it opens no results, plan, data or team page.
    for url in (
        f"/en/results/{link}",
        f"/en/results/{link}/my-data.json",
        f"/en/results/{link}/plan",
        f"/en/team/{link}",
    ):
        assert client.get(url).status_code == 404, url
    # The team page of a draft or an unknown token opens nothing.
    assert client.get("/en/team/" + "A" * 43).status_code == 404
    assert client.get("/en/team/join/" + "A" * 43).status_code == 404
    assert client.get("/en/team/join/short").status_code == 404


def test_deleting_the_team_organisation_leaves_colleagues_teamless(app: Flask, client: FlaskClient) -> None:
    owner = seed_submission(app, _answers(app))
    link = make_team_link(client, owner)
    colleague = join_and_submit(app, client, link, _answers(app))
    assert client.post(f"/en/results/{owner}/delete").status_code in (302, 303)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Team)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TeamMember)) == 0
        assert db.session.scalar(sa.select(Assessment.is_colleague)) is True
    assert client.get(f"/en/team/join/{link}").status_code == 404
    assert client.get(f"/en/team/{colleague}").status_code == 200
    assert counts_equal_recount(app)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_results_page_leads_to_the_team_page(app: Flask, client: FlaskClient, lang: str) -> None:
    owner = seed_submission(app, _answers(app))
    page = client.get(f"/{lang}/results/{owner}").get_data(as_text=True)
    assert f"/{lang}/team/{owner}" in page


def test_the_action_plan_of_the_team_organisation_plans_from_the_combined_answers(
    app: Flask, client: FlaskClient
) -> None:
    _, single, options = _scale_and_single(app)
    owner = seed_submission(app, _answers(app, **{single: options[0]}))
    link = make_team_link(client, owner)
    first = join_and_submit(app, client, link, _answers(app, **{single: options[1]}))
    with app.app_context():
        mine = services.find_by_token(owner)
        assert mine is not None
        assert teams.plan_answers(mine)[single] == options[0]  # a tie of one each: the organisation's own wins
    join_and_submit(app, client, link, _answers(app, **{single: options[1]}))
    with app.app_context():
        mine = services.find_by_token(owner)
        colleague = services.find_by_token(first)
        assert mine is not None and colleague is not None
        assert teams.plan_answers(mine)[single] == options[1]  # two colleagues of three chose it
        assert teams.plan_answers(colleague)[single] == options[1]  # a colleague's own plan: their own answers
    assert client.get(f"/en/results/{owner}/plan").status_code == 200


def test_team_tokens_are_redacted_from_logs() -> None:
    token = "A" * 43
    assert redact(f'"GET /fr/team/join/{token} HTTP/1.1" 200') == '"GET /fr/team/join/[redacted] HTTP/1.1" 200'
    assert redact(f"/en/team/{token}/leave") == "/en/team/[redacted]/leave"


def test_a_team_counts_once_in_a_workshop(app: Flask, client: FlaskClient) -> None:
    """The team organisation and its colleague both join a workshop with their private links: one organisation."""
    creator = seed_submission(app, _answers(app))
    colleague = join_and_submit(app, client, make_team_link(client, creator), _answers(app))
    facilitator = signed_in(app, "facilitator@example.org", "facilitator")
    workshop_id, _code = create_workshop(facilitator)
    seed_participant(app, workshop_id, _answers(app), earlier=creator)
    seed_participant(app, workshop_id, _answers(app), earlier=colleague)
    seed_participant(app, workshop_id, _answers(app))  # another organisation
    with app.test_request_context("/en/"):
        workshop = db.session.get(Workshop, workshop_id)
        assert workshop is not None
        rows = workshop_services.cohort_rows(workshop_id)
        assert len(rows) == 3 and len({row.organisation_id for row in rows}) == 3  # three anchors joined
        view = workshop_services.cohort_view(workshop, "en")
        assert (view.joined, view.completed, view.in_progress) == (2, 2, 0)
        units = {row.unit for row in workshop_services.completed_once(rows)}
        creator_assessment = services.find_by_token(creator)
        assert creator_assessment is not None and creator_assessment.organisation_id in units
