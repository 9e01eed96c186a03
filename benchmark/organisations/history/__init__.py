"""An organisation's assessments over time: scores per submission, the answers that moved them, newer ones.

Read only (no blueprint): the results page (:mod:`benchmark.organisations.results`) shows the
history up to the assessment its private link opens, and says when a newer one exists without
revealing its link or results; "take again" starts from the latest submission.
"""
