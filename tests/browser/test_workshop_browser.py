"""A workshop in real browsers: the facilitator's live view updates by itself when a participant completes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from benchmark.staff.accounts.services import create_user
from tests.factories import BASE_ANSWERS, PASSWORD, LiveServer, make_app, reset, seed_participant


@pytest.fixture
def workshop_server(database_url: str, _schema: None) -> Iterator[LiveServer]:
    app = make_app(database_url, WTF_CSRF_ENABLED=True, WORKSHOP_MIN_GROUP=2, WORKSHOP_REFRESH_SECONDS=1)
    with app.app_context():
        create_user("fac@example.org", "facilitator", PASSWORD)
    with LiveServer(app) as server:
        yield server
    reset(app)


def test_live_view_updates_when_participants_complete(workshop_server: LiveServer, new_page: Any) -> None:
    facilitator = new_page(locale="fr-CA")
    facilitator.goto(f"{workshop_server.url}/fr/account/sign-in")
    facilitator.locator("#email").fill("fac@example.org")
    facilitator.locator("#password").fill(PASSWORD)
    facilitator.locator("main form button[type=submit]").first.click()
    expect(facilitator).not_to_have_url(re.compile(r"/sign-in"))
    facilitator.goto(f"{workshop_server.url}/fr/workshops/new")
    facilitator.locator("#title").fill("Atelier de test")
    facilitator.locator("main form button[type=submit]").last.click()
    expect(facilitator).to_have_url(re.compile(r"/workshops/\d+$"))
    code = facilitator.locator(".lead .code").inner_text()
    workshop_id = int(facilitator.url.rstrip("/").split("/")[-1])

    participant = new_page(locale="fr-CA")
    participant.goto(f"{workshop_server.url}/fr/workshops/join?code={code}")
    participant.locator("main form button[type=submit]").click()
    expect(participant).to_have_url(re.compile(r"/link"))

    counts = facilitator.locator("#cohort-live .big-number")
    facilitator.wait_for_function(
        "() => document.querySelectorAll('#cohort-live .big-number')[0].textContent.trim() === '1'"
    )
    expect(counts.nth(2)).to_have_text("0")
    seed_participant(workshop_server.app, workshop_id, BASE_ANSWERS)
    seed_participant(workshop_server.app, workshop_id, BASE_ANSWERS)
    facilitator.wait_for_function(
        "() => document.querySelectorAll('#cohort-live .big-number')[2].textContent.trim() === '2'"
    )
    facilitator.wait_for_selector("#cohort-live table.data-table")
