"""The bilingual data dictionary of the sector exports, the open-data release and the API."""

from __future__ import annotations

from typing import Any

from benchmark.core.questionnaire import Item
from benchmark.funder.sector.services import breakdowns
from benchmark.store.content import content

#: The meaning of the breakdowns (the questionnaire's ``fact: {breakdown: …}``) where the item's text is not enough.
BREAKDOWN_MEANINGS: dict[str, tuple[str, str]] = {
    "province": (
        "Province or territory where the organization operates (q26; an organization in several counts in each).",
        "Province ou territoire où l’organisation exerce ses activités (q26; une organisation présente dans plusieurs est comptée dans chacun).",
    ),
    "size": (
        "Size band, full-time and part-time employees (q25).",
        "Taille, employés à temps plein et à temps partiel (q25).",
    ),
    "funding": (
        "Current IRCC Settlement Program funding status (q23).",
        "Financement actuel du Programme d’établissement d’IRCC (q23).",
    ),
}
#: The columns of the exports before the breakdowns: (name, English meaning, French meaning).
FIRST_COLUMNS: tuple[tuple[str, str, str], ...] = (
    (
        "month",
        "Calendar month (YYYY-MM, UTC) of the event counted.",
        "Mois civil (AAAA-MM, UTC) de l’événement compté.",
    ),
    ("quarter", "Calendar quarter (YYYY-Qn) of submission.", "Trimestre civil (AAAA-Tn) de la transmission."),
    (
        "started",
        "Assessments started (drafts created), synthetic data excluded; by month only (a draft's organization facts are never published).",
        "Évaluations commencées (brouillons créés), données synthétiques exclues; par mois seulement (les caractéristiques d’une organisation dont l’évaluation est un brouillon ne sont jamais publiées).",
    ),
    ("submitted", "Assessments submitted.", "Évaluations transmises."),
    (
        "reassessed",
        "Submissions that follow an earlier submission of the same organization (take again).",
        "Transmissions qui suivent une transmission antérieure de la même organisation (reprise).",
    ),
)
#: The columns of the exports after the breakdowns.
LAST_COLUMNS: tuple[tuple[str, str, str], ...] = (
    (
        "level",
        "Level of a component score: 1 Starting (0–24), 2 Developing (25–49), 3 Established (50–74), 4 Advanced (75–100).",
        "Niveau du résultat d’une composante : 1 Premiers pas (0–24), 2 En développement (25–49), 3 Établi (50–74), 4 Avancé (75–100).",
    ),
    (
        "today_pct",
        "Share (%) of organizations, latest assessment each, choosing the option among those who answered the item (I don't know excluded).",
        "Part (%) des organisations, dernière évaluation de chacune, ayant choisi l’option parmi celles qui ont répondu (« Je ne sais pas » exclu).",
    ),
    (
        "today_n",
        "Organizations that answered the item today.",
        "Organisations ayant répondu à la question aujourd’hui.",
    ),
    (
        "pct_2017",
        "The 2017 share as published (never derived or re-based).",
        "La part de 2017 telle que publiée (jamais dérivée ni recalculée).",
    ),
    ("n_2017", "Providers who answered the question in 2017.", "Fournisseurs ayant répondu à la question en 2017."),
    (
        "status_2017",
        "stated: the source gives this number for this option; reading: attaching it to this option is our interpretation.",
        "stated : la source donne ce chiffre pour ce choix; reading : l’associer à ce choix est notre interprétation.",
    ),
    (
        "null / empty",
        "Hidden: fewer than k organizations, or hidden so that it cannot be worked out from the totals (complementary suppression).",
        "Masqué : moins de k organisations, ou masqué pour qu’on ne puisse pas le déduire des totaux (suppression complémentaire).",
    ),
)


def breakdown_column(name: str, item: Item) -> tuple[str, str, str]:
    """(name, English meaning, French meaning) of one breakdown column."""
    if name in BREAKDOWN_MEANINGS:
        return (name, *BREAKDOWN_MEANINGS[name])
    label = item.short_label or item.text
    several = item.fact is not None and item.fact.multiple
    en_note = "; an organization that chose several counts in each" if several else ""
    fr_note = "; une organisation qui en a choisi plusieurs est comptée dans chacun" if several else ""
    return (name, f"{label.en} ({item.id}{en_note}).", f"{label.fr} ({item.id}{fr_note}).")


def columns() -> list[tuple[str, str, str]]:
    """Every column of the exports: (name, English meaning, French meaning)."""
    items = breakdowns()
    names = [name for name in BREAKDOWN_MEANINGS if name in items] + [
        name for name in items if name not in BREAKDOWN_MEANINGS
    ]
    return [*FIRST_COLUMNS, *(breakdown_column(name, items[name]) for name in names), *LAST_COLUMNS]


def build() -> dict[str, Any]:
    """The dictionary: columns, versions and the crosswalk from items to the 2017 questions."""
    data = content()
    crosswalk = [
        {
            "item": item.id,
            "question_2017": "new (not in 2017)" if item.id.startswith("n") else item.id[1:].replace("_", "."),
            "n_2017": item.n_2017,
            "text_en": item.text.en,
            "text_fr": item.text.fr,
            "text_status_fr": item.text_status_fr,
            "option_list_status": item.option_list_status,
            "figures_2017": [
                {"option": f.option_id, "pct": f.pct, "status": f.status}
                for f in data.baseline.all_figures()
                if f.item_id == item.id
            ],
        }
        for item in data.questionnaire.iter_items()
    ]
    return {
        "questionnaire_version": data.questionnaire.version,
        "rubric_version": data.rubric.version,
        "columns": [{"name": name, "en": en, "fr": fr} for name, en, fr in columns()],
        "crosswalk": crosswalk,
    }
