"""What the team pages show: the combined profile in words and numbers, with its discussion prompts."""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmark.core.team import ComponentSpread, ItemSpread, TeamProfile, TeamPrompts
from benchmark.store import teams
from benchmark.store.content import content
from benchmark.store.models import Assessment, Team
from benchmark.store.scores import scores_of

#: How many items with the widest spread the page shows.
WIDEST = 5
#: A component whose scores are this many points apart (or more) gets a discussion prompt.
FAR_APART = 20


def prompts() -> TeamPrompts:
    """The team prompts (loaded and validated with the other data files at start)."""
    return content().team_prompts


@dataclass(frozen=True)
class ComponentRow:
    """One component of the combined profile as the page shows it."""

    name: str
    spread: ComponentSpread
    yours: int | None
    prompt: str | None


@dataclass(frozen=True)
class ShareRow:
    """One answer to an item and how many colleagues gave it."""

    label: str
    count: int


@dataclass(frozen=True)
class ItemRow:
    """One of the items where colleagues disagree most, with its answers and a prompt."""

    label: str
    spread: ItemSpread
    shares: list[ShareRow]
    prompt: str


@dataclass
class TeamView:
    """Everything the "Your team" page shows."""

    team: Team | None
    is_owner: bool
    members: int
    submitted: int
    components: list[ComponentRow] = field(default_factory=list)
    widest: list[ItemRow] = field(default_factory=list)
    combined: TeamProfile | None = None


def team_view(assessment: Assessment, lang: str) -> TeamView:
    """The team page of one respondent: their place, and the combined profile once two submitted."""
    place = teams.place_of(assessment)
    if place.team is None:
        return TeamView(None, place.is_owner, 1, 1)
    submitted = teams.submissions(place.team)
    view = TeamView(place.team, place.is_owner, teams.members(place.team), len(submitted))
    profile = teams.combined(place.team)
    if profile is None:
        return view
    view.combined = profile
    yours = scores_of([assessment.id])[assessment.id]
    rubric = content().rubric
    for spread in profile.components:
        name = rubric.dimension(spread.dimension).name.get(lang)
        far = spread.range is not None and spread.range >= FAR_APART
        prompt = prompts().for_component(name, lang) if far else None
        view.components.append(ComponentRow(name, spread, yours.get(spread.dimension), prompt))
    view.widest = [_item_row(spread, lang) for spread in profile.widest(WIDEST)]
    return view


def _item_row(spread: ItemSpread, lang: str) -> ItemRow:
    questionnaire = content().questionnaire
    item, row = questionnaire.item_for_key(spread.key)
    label = item.label(lang) + (f" – {row.label.get(lang)}" if row is not None else "")
    shares = [ShareRow(_answer_label(spread, share.value, lang), share.count) for share in spread.shares]
    return ItemRow(label, spread, shares, prompts().for_item(spread.kind, label, lang))


def _answer_label(spread: ItemSpread, value: str, lang: str) -> str:
    if spread.kind == "numeric":
        return spread.item.kind.describe(spread.item, int(value), lang) or value
    option = spread.item.option(value)
    return option.label.get(lang) if option is not None else value
