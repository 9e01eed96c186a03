"""Pure-Python core: questionnaire model, scoring, baseline comparison, suppression (no Flask)."""
