"""Importing survey data as a baseline: per-option figures and respondent-level records.

Every fixture here is SYNTHETIC: invented for the tests, it is not 2017 data and holds no real figure.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from benchmark.core.baseline import Baseline
from benchmark.core.baseline_import import (
    ImportProblem,
    ImportResult,
    parse_option_figures,
    parse_respondents,
)
from benchmark.core.questionnaire import Questionnaire, Text
from benchmark.core.scoring import Rubric


def options(data: bytes, questionnaire: Questionnaire, max_bytes: int = 100_000) -> ImportResult:
    return parse_option_figures(data, questionnaire, name="Synthetic test", source="tests", max_bytes=max_bytes)


def respondents(data: bytes, questionnaire: Questionnaire, rubric: Rubric, max_bytes: int = 100_000) -> ImportResult:
    return parse_respondents(data, questionnaire, rubric, name="Synthetic test", source="tests", max_bytes=max_bytes)


def where(result: ImportResult) -> list[tuple[int | None, str | None, str]]:
    assert result.baseline is None
    return [(problem.row, problem.column, problem.code) for problem in result.errors]


# --------------------------------------------------------------------------- respondent-level (synthetic)

# SYNTHETIC respondent-level records: 8 invented respondents, NOT 2017 data.
SYNTHETIC_RESPONDENTS = b"""\
id,q4,q2_2,q8.staff_literacy,q8.internet_access,q8.hardware,q6,q7,q1
r1,shared_roles,email|video,minor,not_concern,minor,yes,yes,8
r2,permanent_inhouse|shared_roles,video|videoconf|elearning,not_concern,major,moderate,in_progress,no,10
r3,no_one,none,major,minor,dont_know,no,yes,5
r4,dont_know,email,moderate,moderate,major,dont_know,no_website,
r5,permanent_inhouse,,dont_know,not_concern,not_concern,yes,yes,7
r6,,dont_know,minor,,minor,yes,dont_know,8
r7,shared_roles|contractor,email|cloud,,major,,no,yes,0
r8,volunteers,video,not_concern,minor,minor,,no,8
"""


@pytest.fixture(scope="module")
def imported(questionnaire: Questionnaire, rubric: Rubric) -> ImportResult:
    result = respondents(SYNTHETIC_RESPONDENTS, questionnaire, rubric)
    assert result.errors == []
    return result


def test_respondent_level_baseline(imported: ImportResult) -> None:
    baseline = imported.baseline
    assert isinstance(baseline, Baseline)
    assert baseline.kind == "respondent_level"
    assert baseline.name == Text(en="Synthetic test", fr="Synthetic test")
    assert set(baseline.status_definitions) == {"imported"}
    assert imported.respondents == 8
    assert all(figure.status == "imported" and figure.source == "tests" for figure in baseline.all_figures())


def test_respondent_level_shares_by_hand(imported: ImportResult) -> None:
    baseline = imported.baseline
    assert baseline is not None
    # q6: r4 answered dont_know and r8 skipped, so the base is 6 (r1 r2 r3 r5 r6 r7).
    # yes = r1, r5, r6 → 3/6 = 50 %; in_progress = r2 → 1/6 = 16.666… → 16.7; no = r3, r7 → 2/6 → 33.3.
    assert baseline.n("q6") == 6
    assert imported.dont_know["q6"] == 1
    assert {o: (f.count, f.pct) for o, f in baseline.items["q6"].figures.items()} == {
        "yes": (3, 50.0),
        "in_progress": (1, 16.7),
        "no": (2, 33.3),
    }
    assert imported.exact_pct["q6"]["in_progress"] == Fraction(50, 3)
    # q4 (multi): r4 dont_know, r6 skipped → base 6. shared_roles = r1, r2, r7 → 3/6 = 50 %;
    # permanent_inhouse = r2, r5 → 2/6 = 33.3 %; one each for contractor, volunteers, no_one.
    assert baseline.n("q4") == 6
    assert {o: f.count for o, f in baseline.items["q4"].figures.items()} == {
        "shared_roles": 3,
        "permanent_inhouse": 2,
        "contractor": 1,
        "volunteers": 1,
        "shared_service": 0,
        "no_one": 1,
    }
    assert baseline.figure("q4", "shared_service") is not None  # zeros are real figures
    assert baseline.figure("q4", "dont_know") is None  # never a figure for "don't know"
    # q2_2: r5 skipped, r6 dont_know → base 6; email r1 r4 r7 = 3, video r1 r2 r8 = 3.
    q2_2 = baseline.items["q2_2"].figures
    assert (q2_2["email"].count, q2_2["video"].count, q2_2["none"].count, q2_2["videoconf"].count) == (3, 3, 1, 1)
    assert q2_2["video"].pct == 50.0 and q2_2["sms"].count == 0
    # q7: r6 dont_know → base 7; yes = r1 r3 r5 r7 → 4/7 = 57.142… → 57.1; no 2/7 → 28.6; no_website 1/7 → 14.3.
    assert {o: (f.count, f.pct) for o, f in baseline.items["q7"].figures.items()} == {
        "yes": (4, 57.1),
        "no": (2, 28.6),
        "no_website": (1, 14.3),
    }
    # q1 (0–10 scale): r4 skipped → base 7; "8" = r1 r6 r8 → 3/7 = 42.857… → 42.9.
    assert baseline.n("q1") == 7
    q1 = baseline.items["q1"].figures
    assert (q1["8"].count, q1["8"].pct, q1["10"].count, q1["0"].count, q1["3"].count) == (3, 42.9, 1, 1, 0)
    # Matrix rows are filed under their answer key. q8.hardware: r3 dont_know, r7 skipped → base 6.
    assert baseline.n("q8.hardware") == 6
    assert baseline.figure("q8.hardware", "minor") is not None
    assert baseline.items["q8.hardware"].figures["minor"].count == 3  # r1 r6 r8
    assert baseline.figure("q8.hardware", "minor").pct == 50.0  # type: ignore[union-attr]


def test_respondent_level_score_histograms_by_hand(imported: ImportResult) -> None:
    # SK = mean of SK1 (q4), SK2 (q2_2), SK4 (q8.staff_literacy); SK3 (q10) is not in the file; 2 needed.
    #   r1: SK1 shared_roles 1/3, SK2 video 1/3, SK4 minor 2/3 → (4/3)/3 = 4/9 = 44.4 → 44
    #   r2: 3/3, 3/3, 3/3 → 100         r3: no_one 0, none 0, major 0 → 0
    #   r4: SK1 dont_know (missing), SK2 email 0, SK4 moderate 1/3 → (1/3)/2 = 1/6 = 16.7 → 17
    #   r5: SK1 2/3 only (SK2 skipped, SK4 dont_know) → 1 of 2 needed → no score
    #   r6: SK4 minor only → no score   r7: SK1 1/3, SK2 0 → 1/6 → 17   r8: 0, 1/3, 1 → 4/9 → 44
    # IN = mean of IN1 (q8.internet_access), IN2 (q8.hardware); IN3 and IN4 not in the file; 2 needed.
    #   r1: 1, 2/3 → 5/6 = 83.3 → 83    r2: 0, 1/3 → 1/6 → 17    r3: hardware dont_know → no score
    #   r4: 1/3, 0 → 17    r5: 1, 1 → 100    r6, r7: one row skipped → no score    r8: 2/3, 2/3 → 67
    # AP needs 3 indicators and PR 3; the file holds only AP1 (q7) and PR1 (q6): no scores.
    assert imported.distributions == {
        "SK": {0: 1, 17: 2, 44: 2, 100: 1},
        "IN": {17: 2, 67: 1, 83: 1, 100: 1},
        "AP": {},
        "PR": {},
    }


def test_respondents_with_a_bom_and_without_an_id_column(questionnaire: Questionnaire, rubric: Rubric) -> None:
    result = respondents(b"\xef\xbb\xbfq6,q7\r\nyes,no\r\n,,\r\n\r\nno,no\r\n", questionnaire, rubric)
    assert result.errors == []
    assert result.respondents == 2  # the all-empty row and the blank line are ignored
    assert result.baseline is not None and result.baseline.n("q6") == 2


def test_respondent_level_answer_keys_not_answered_by_anyone(questionnaire: Questionnaire, rubric: Rubric) -> None:
    result = respondents(b"q6,q9\nyes,\nno,\n", questionnaire, rubric)
    assert result.baseline is not None
    assert result.baseline.item("q9") is None and result.answered["q9"] == 0


# --------------------------------------------------------------------------- per-option figures (synthetic)

SYNTHETIC_COUNTS = b"""item,option,count,n
q6,yes,101,248
q6,no,90,248
q8.privacy,major,40,120
q2_2,video,100,239
q2_2,email,200,239
q1,8,50,249
"""

SYNTHETIC_SHARES = b"""item,option,share,n
q6,yes,40.7,248
q4,shared_roles,52.8,248
q4,permanent_inhouse,46.4,248
q8.privacy,major,30,
"""


def test_per_option_counts(questionnaire: Questionnaire) -> None:
    result = options(SYNTHETIC_COUNTS, questionnaire)
    assert result.errors == []
    baseline = result.baseline
    assert baseline is not None and baseline.kind == "per_option_shares"
    yes = baseline.figure("q6", "yes")
    assert yes is not None
    # 101 / 248 = 40.725… % → 40.7 for display; the exact value is kept.
    assert (yes.pct, yes.count, yes.n, yes.status) == (40.7, 101, 248, "imported")
    assert result.exact_pct["q6"]["yes"] == Fraction(10100, 248)
    assert baseline.figure("q8.privacy", "major").pct == 33.3  # type: ignore[union-attr]
    assert baseline.figure("q1", "8").pct == 20.1  # type: ignore[union-attr]  # 50/249 = 20.08… %
    assert yes.format("en") == "40.7% (n = 248, imported survey data)"


def test_per_option_shares(questionnaire: Questionnaire) -> None:
    result = options(SYNTHETIC_SHARES, questionnaire)
    assert result.errors == []
    baseline = result.baseline
    assert baseline is not None
    assert baseline.figure("q6", "yes").pct == 40.7  # type: ignore[union-attr]
    assert baseline.figure("q6", "yes").count is None  # type: ignore[union-attr]
    assert baseline.n("q4") == 248 and baseline.n("q8.privacy") is None
    assert result.exact_pct["q4"]["shared_roles"] == Fraction(528, 10)


# --------------------------------------------------------------------------- bad files: whole file


def test_file_over_the_size_limit(questionnaire: Questionnaire, rubric: Rubric) -> None:
    assert where(options(SYNTHETIC_SHARES, questionnaire, max_bytes=50)) == [(None, None, "too_large")]
    assert where(respondents(SYNTHETIC_RESPONDENTS, questionnaire, rubric, max_bytes=50)) == [(None, None, "too_large")]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\n  \n"])
def test_empty_file(questionnaire: Questionnaire, rubric: Rubric, data: bytes) -> None:
    assert where(options(data, questionnaire)) == [(None, None, "empty")]
    assert where(respondents(data, questionnaire, rubric)) == [(None, None, "empty")]


def test_header_without_rows(questionnaire: Questionnaire, rubric: Rubric) -> None:
    assert where(options(b"item,option,share\n", questionnaire)) == [(2, None, "no_data")]
    assert where(respondents(b"id,q6\n", questionnaire, rubric)) == [(2, None, "no_data")]


def test_bytes_that_are_not_utf8(questionnaire: Questionnaire, rubric: Rubric) -> None:
    latin1 = "item,option,share\nq6,yes,40.7\nq4,partagé,52.8\n".encode("latin-1")
    result = options(latin1, questionnaire)
    assert where(result) == [(3, "option", "encoding")]
    assert "partag\\xe9" in result.errors[0].message
    records = "id,q6\nr1,yes\nr\xe9,no\n".encode("latin-1")
    assert where(respondents(records, questionnaire, rubric)) == [(3, "id", "encoding")]


def test_utf16_file(questionnaire: Questionnaire) -> None:
    assert where(options("item,option,share\nq6,yes,40.7\n".encode("utf-16"), questionnaire)) == [
        (None, None, "encoding")
    ]


def test_csv_syntax_error(questionnaire: Questionnaire) -> None:
    assert where(options(b'item,option,share\nq6,yes,40.7\nq6,"no"x,3\n', questionnaire)) == [(3, None, "csv_syntax")]


# --------------------------------------------------------------------------- bad files: columns


def test_missing_columns(questionnaire: Questionnaire) -> None:
    assert where(options(b"item,share\nq6,40.7\n", questionnaire)) == [(1, "option", "missing_column")]
    assert where(options(b"item,option\nq6,yes\n", questionnaire)) == [(1, "share", "missing_column")]
    assert where(options(b"item,option,count\nq6,yes,3\n", questionnaire)) == [(1, "n", "missing_column")]


def test_respondents_without_answer_columns(questionnaire: Questionnaire, rubric: Rubric) -> None:
    assert where(respondents(b"id\nr1\n", questionnaire, rubric)) == [(1, None, "missing_column")]


def test_unknown_columns(questionnaire: Questionnaire, rubric: Rubric) -> None:
    assert where(options(b"item,option,share,comment\nq6,yes,40.7,ok\n", questionnaire)) == [
        (1, "comment", "unknown_column")
    ]
    result = respondents(b"id,q6,q8,q99\nr1,yes,major,1\n", questionnaire, rubric)
    assert where(result) == [(1, "q8", "unknown_column"), (1, "q99", "unknown_column")]
    assert "q8.privacy" in result.errors[0].message  # a bare matrix id: name one of its rows


def test_duplicate_column(questionnaire: Questionnaire, rubric: Rubric) -> None:
    assert where(respondents(b"id,q6,q6\nr1,yes,no\n", questionnaire, rubric)) == [(1, "q6", "duplicate_column")]


def test_share_and_count_together(questionnaire: Questionnaire) -> None:
    assert where(options(b"item,option,share,count,n\nq6,yes,40,4,10\n", questionnaire)) == [
        (1, "count", "conflicting_columns")
    ]


def test_wrong_number_of_values(questionnaire: Questionnaire) -> None:
    assert where(options(b"item,option,share\nq6,yes\n", questionnaire)) == [(2, None, "field_count")]


# --------------------------------------------------------------------------- bad files: values


def test_unknown_items_and_options(questionnaire: Questionnaire) -> None:
    data = b"""item,option,share
q99,yes,10
q6,maybe,10
q8,major,10
q8.privacy,dont_know,10
q1,11,10
,yes,10
"""
    assert where(options(data, questionnaire)) == [
        (2, "item", "unknown_item"),
        (3, "option", "unknown_option"),
        (4, "item", "unknown_item"),
        (5, "option", "dont_know_option"),
        (6, "option", "unknown_option"),
        (7, "item", "required"),
    ]


def test_share_outside_0_100(questionnaire: Questionnaire) -> None:
    data = b"item,option,share\nq6,yes,140\nq6,no,-1\nq6,in_progress,4,5\nq7,yes,40.7%\n"
    assert where(options(data, questionnaire)) == [
        (2, "share", "share_range"),
        (3, "share", "share_range"),
        (4, None, "field_count"),
        (5, "share", "not_a_number"),
    ]


def test_count_above_n_or_negative_and_n_not_positive(questionnaire: Questionnaire) -> None:
    data = b"item,option,count,n\nq6,yes,300,248\nq6,no,-1,248\nq7,yes,0,0\nq7,no,x,12\n"
    assert where(options(data, questionnaire)) == [
        (2, "count", "count_above_n"),
        (3, "count", "count_negative"),
        (4, "n", "n_not_positive"),
        (5, "count", "not_a_number"),
    ]


def test_duplicate_rows(questionnaire: Questionnaire) -> None:
    result = options(b"item,option,share\nq6,yes,40.7\nq6,no,20\nq6,yes,41\n", questionnaire)
    assert where(result) == [(4, "option", "duplicate_row")]
    assert "row 2" in result.errors[0].message


def test_inconsistent_n_and_single_choice_totals(questionnaire: Questionnaire) -> None:
    assert where(options(b"item,option,count,n\nq6,yes,10,20\nq6,no,5,21\n", questionnaire)) == [(3, "n", "n_mismatch")]
    # One answer per respondent: single-choice counts cannot add up to more than n …
    assert where(options(b"item,option,count,n\nq6,yes,15,20\nq6,no,6,20\n", questionnaire)) == [
        (3, "count", "counts_exceed_n")
    ]
    # … but multiple-choice counts can.
    assert options(b"item,option,count,n\nq4,shared_roles,15,20\nq4,volunteers,6,20\n", questionnaire).errors == []
    # Shares may exceed 100 only by their rounding: 33.3 + 33.4 + 33.4 = 100.1 ≤ 100 + 3 × 0.05.
    assert options(b"item,option,share\nq6,yes,33.3\nq6,no,33.4\nq6,in_progress,33.4\n", questionnaire).errors == []
    # 60 + 45 = 105 > 100 + 2 × 0.5.
    assert where(options(b"item,option,share\nq6,yes,60\nq6,no,45\n", questionnaire)) == [
        (3, "share", "shares_exceed_100")
    ]


def test_duplicate_respondent_id(questionnaire: Questionnaire, rubric: Rubric) -> None:
    result = respondents(b"id,q6\nr1,yes\nr2,no\nr1,no\n,yes\n", questionnaire, rubric)
    assert where(result) == [(4, "id", "duplicate_id"), (5, "id", "required")]
    assert "row 2" in result.errors[0].message


def test_bad_answers(questionnaire: Questionnaire, rubric: Rubric) -> None:
    data = b"""id,q6,q2_2,q1,q8.privacy
r1,maybe,email|video,8,major
r2,yes,email|fax,8,major
r3,yes,none|email,8,major
r4,yes,email|email,8,major
r5,yes,email,11,major
r6,yes,email,eight,major
r7,yes,email,8,very_major
r8,yes,email||video,8,major
"""
    assert where(respondents(data, questionnaire, rubric)) == [
        (2, "q6", "unknown_option"),
        (3, "q2_2", "unknown_option"),
        (4, "q2_2", "exclusive_option"),
        (5, "q2_2", "duplicate_option"),
        (6, "q1", "scale_range"),
        (7, "q1", "not_a_number"),
        (8, "q8.privacy", "unknown_option"),
        (9, "q2_2", "unknown_option"),
    ]


def test_every_error_is_reported_with_row_and_column(questionnaire: Questionnaire) -> None:
    data = b"item,option,share\nq6,yes,140\nq6,yes,40\nq99,no,10\n"
    result = options(data, questionnaire)
    assert where(result) == [(2, "share", "share_range"), (4, "item", "unknown_item")]
    assert all(isinstance(problem, ImportProblem) for problem in result.errors)
    assert str(result.errors[0]) == "row 2, column share: the share must be between 0 and 100 (got 140) [share_range]"


def test_blank_name_or_source_is_a_caller_error(questionnaire: Questionnaire) -> None:
    with pytest.raises(ValueError):
        parse_option_figures(SYNTHETIC_SHARES, questionnaire, name=" ", source="x", max_bytes=1000)
    with pytest.raises(ValueError):
        parse_option_figures(SYNTHETIC_SHARES, questionnaire, name="x", source="", max_bytes=1000)
