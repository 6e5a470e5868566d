"""Pre-test: rank ad and headline variants by predicted click-through, with the drivers of each score.

* :mod:`.base` — the :class:`~.base.PretestModel` protocol, the linear utility every backend builds on, loading;
* :mod:`.features`, :mod:`.pairs`, :mod:`.validity` — headline features, Upworthy pairs and their metrics;
* one module per backend: :mod:`.lexicon` (light), :mod:`.minilm`, :mod:`.pairwise` (default);
* :mod:`.tasks` — the entry points re-exported here: :func:`rank`, :func:`evaluate`.

Training these models is :mod:`empathic.train` (the ``train`` extra).
"""

from __future__ import annotations

from empathic.predict.pretest.tasks import DEFAULT_MODEL, evaluate, get_pretest_model, rank

__all__ = ["DEFAULT_MODEL", "evaluate", "get_pretest_model", "rank"]
