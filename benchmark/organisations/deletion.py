"""The page that confirms deleting an assessment, shared by drafts and submitted assessments."""

from __future__ import annotations

from flask import render_template

from benchmark.store import assessments as services
from benchmark.store.models import Assessment
from benchmark.web.forms import DeleteForm


def render_delete_page(assessment: Assessment, token: str, form: DeleteForm, cancel: str) -> str:
    """The confirmation page shared by drafts and submitted assessments (it posts to itself)."""
    return render_template(
        "assessment/delete.html",
        assessment=assessment,
        token=token,
        preview=services.deletion_preview(assessment),
        form=form,
        cancel=cancel,
    )
