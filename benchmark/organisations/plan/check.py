"""The 90-day check of an action plan as a calendar file (.ics, RFC 5545, built with ``icalendar``)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event

from benchmark.store.models import utcnow

PRODID = "-//Settlement Digital Capacity Benchmark//Action plan//EN"


def event_uid(organisation_id: int) -> str:
    """The same UID for every download of one organisation's check (a calendar updates the event)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hashlib.sha256(secret + b":plan-check:" + str(organisation_id).encode()).hexdigest()[:32]
    return f"{digest}@digital-capacity-benchmark"


def check_calendar(organisation_id: int, day: date, plan_url: str) -> bytes:
    """One all-day event on ``day`` with a reminder the day before; the private plan link in the description."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", event_uid(organisation_id))
    event.add("dtstamp", utcnow())
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", _("90-day check of our digital-capacity action plan"))
    event.add(
        "description",
        _("Review the steps of the action plan and take the questionnaire again: %(url)s", url=plan_url),
    )
    event.add("url", plan_url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("90-day check of our digital-capacity action plan"))
    alarm.add("trigger", timedelta(days=-1))
    event.add_component(alarm)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
