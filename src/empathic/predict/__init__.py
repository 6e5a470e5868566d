"""Predict: content pre-testing, uplift and purchase propensity (pure functions and estimators, no I/O)."""
