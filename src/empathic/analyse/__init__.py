"""Feel: analysers turn document texts into named scores (sentiment now, emotions next).

Analysers are picked by name from the registry (kind ``analyser``) and do no I/O: they map
texts to numbers; :mod:`empathic.app.analyze` reads pending documents and stores the scores.

>>> a = get_analyser("vader")
>>> a.analyse(["I love this!"])[0]["compound"] > 0.5
True
"""

from __future__ import annotations

from empathic.analyse.base import Analyser, get_analyser

__all__ = ["Analyser", "get_analyser"]
