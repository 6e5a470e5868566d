"""Uplift: who changes their behaviour because they were treated, learned from a randomised experiment.

* :mod:`.base` — the :class:`~.base.UpliftModel` protocol and the meta-learners (T-, S-learner, class
  transformation) over a classifier factory;
* one module per base classifier: :mod:`.logistic` (numpy, light) and :mod:`.sklearn` (gradient boosting,
  extra ``predict``);
* :mod:`.metrics` — Qini, AUUC, uplift@k and their bootstrap CIs (pure functions).

Evaluating methods on a file is :mod:`empathic.predict.uplift_eval`.
"""
