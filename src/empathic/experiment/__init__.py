"""Experiment stage: A/B inference over mergeable sufficient statistics (see :mod:`empathic.experiment.stats`)."""
