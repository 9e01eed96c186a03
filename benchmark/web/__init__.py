"""The shared web layer: languages, security headers, errors, sign-in, rate limits, assets, compression,
log redaction, base forms and validators, and CSV/PDF responses. Every wing builds on it."""
