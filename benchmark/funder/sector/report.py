"""The sector report (issue 17, item 1): the 2017 report's structure, redone live from the current release.

:func:`figures` reads today's figures from the current release of the summary counts through the
disclosure layer (:func:`benchmark.store.aggregates.pool_option_counts` reads the release;
:func:`benchmark.core.suppression.share_or_none` shows a share only when both the count and the
remainder reach k; an n below k is not shown), and puts beside them exactly the published 2017
figures of ``baseline_2017.json`` (with their n and status) for the items the crosswalk maps to a 2017
question; every other option says "no 2017 figure published".  The figures are ids and numbers only
(no wording), archived once per release (:class:`~benchmark.store.models.SectorReportArchive`) so that
two releases can be compared; :func:`labelled` puts the wording on in either language.
"""

from __future__ import annotations

from typing import Any

from benchmark.core.sector_report import load_sector_report
from benchmark.core.suppression import share_or_none
from benchmark.extensions import db
from benchmark.funder.sector import services as sector
from benchmark.store.aggregates import pool_option_counts
from benchmark.store.content import content
from benchmark.store.models import SectorReportArchive, pool_is_synthetic


def figures() -> dict[str, Any]:
    """Today's figures by section of the 2017 report, beside the published 2017 figures (ids and numbers)."""
    data = content()
    k = sector.k_min()
    published = {(f.item_id, f.option_id): f for f in data.baseline.all_figures()}
    sections = load_sector_report(data.questionnaire)
    keys = [key for s in sections for i in s.item_ids for key in data.questionnaire.items[i].answer_keys()]
    answered, chosen = pool_option_counts(keys)
    release = sector.release()
    result: list[dict[str, Any]] = []
    for section in sections:
        items = []
        for item_id in section.item_ids:
            item = data.questionnaire.items[item_id]
            mapped = data.versions.item_2017(item_id) is not None
            n_today = answered[item_id]
            options = []
            if item.kind.choice:
                for option in item.options:
                    share = share_or_none(chosen[(item_id, option.id)], n_today, k)
                    figure = published.get((item_id, option.id)) if mapped else None
                    options.append(
                        {
                            "option": option.id,
                            "today_pct": None if share is None else round(float(share) * 100, 1),
                            "pct_2017": None if figure is None else figure.pct,
                            "n_2017": None if figure is None else figure.n,
                            "status_2017": None if figure is None else figure.status,
                        }
                    )
            aggregates = [
                {"id": a.id, "pct_2017": a.pct, "n_2017": a.n, "status_2017": a.status}
                for a in (data.baseline.items[item_id].aggregates if item_id in data.baseline.items and mapped else ())
            ]
            items.append(
                {
                    "item": item_id,
                    "question_2017": data.versions.item_2017(item_id),
                    "n_today": n_today if n_today >= k else None,
                    "options": options,
                    "aggregates_2017": aggregates,
                }
            )
        result.append({"id": section.id, "items": items})
    return {
        "release_id": None if release is None else release[0],
        "released_at": None if release is None else release[1].isoformat(timespec="seconds"),
        "questionnaire_version": data.questionnaire.version,
        "k": k,
        "sections": result,
    }


def archive_current() -> dict[str, Any]:
    """The current release's figures, archived the first time they are read (one row per release)."""
    body = figures()
    release = sector.release()
    if release is None:
        return body
    if db.session.get(SectorReportArchive, release[0]) is None:
        db.session.add(
            SectorReportArchive(
                release_id=release[0], is_synthetic=pool_is_synthetic(), cut_at=release[1], figures=body
            )
        )
        db.session.commit()
    return body


def archived(release_id: int) -> dict[str, Any] | None:
    """The archived figures of one release of this deployment's pool, or None."""
    row = db.session.get(SectorReportArchive, release_id)
    if row is None or row.is_synthetic != pool_is_synthetic():
        return None
    return row.figures


def archive_ids() -> list[int]:
    """The releases with an archived report in this deployment's pool, newest first."""
    query = (
        db.select(SectorReportArchive.release_id)
        .where(SectorReportArchive.is_synthetic.is_(pool_is_synthetic()))
        .order_by(SectorReportArchive.release_id.desc())
    )
    return list(db.session.scalars(query))


def labelled(body: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The sections of ``body`` with their wording in ``lang`` (titles, questions, options, 2017 labels)."""
    data = content()
    titles = {s.id: s.title.get(lang) for s in load_sector_report(data.questionnaire)}
    result = []
    for section in body["sections"]:
        items = []
        for entry in section["items"]:
            item = data.questionnaire.items.get(entry["item"])
            if item is None:
                continue
            labels = {o.id: o.label.get(lang) for o in item.options}
            aggregate_labels = {
                a.id: a.label.get(lang) for a in getattr(data.baseline.items.get(item.id), "aggregates", ())
            }
            items.append(
                {
                    **entry,
                    "question": item.label(lang),
                    "options": [{**o, "label": labels.get(o["option"], o["option"])} for o in entry["options"]],
                    "aggregates_2017": [
                        {**a, "label": aggregate_labels.get(a["id"], a["id"])} for a in entry["aggregates_2017"]
                    ],
                }
            )
        result.append({"id": section["id"], "title": titles.get(section["id"], section["id"]), "items": items})
    return result


def compared(first: dict[str, Any], second: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """One row per option present in both archived releases: its share in each (None: hidden or not computed)."""
    earlier = {
        (item["item"], option["option"]): option["today_pct"]
        for section in labelled(first, lang)
        for item in section["items"]
        for option in item["options"]
    }
    rows = []
    for section in labelled(second, lang):
        for item in section["items"]:
            for option in item["options"]:
                key = (item["item"], option["option"])
                if key in earlier:
                    rows.append(
                        {
                            "section": section["title"],
                            "question": item["question"],
                            "option": option["label"],
                            "first": earlier[key],
                            "second": option["today_pct"],
                        }
                    )
    return rows
