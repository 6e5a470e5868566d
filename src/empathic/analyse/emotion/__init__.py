"""Emotion: 28 GoEmotions labels per text, their Ekman and sentiment groups, valence and arousal.

* :mod:`.models` — the backends (``minilm-finetuned``, ``minilm-heads``, ``vader``) behind one protocol;
* :mod:`.analyser` — the ``emotion`` and ``embedding`` analysers the pipeline runs;
* :mod:`.taxonomy`, :mod:`.metrics`, :mod:`.data` — labels and groups, F1 and threshold tuning, GoEmotions files;
* :mod:`.tasks` — score, evaluate and time a backend (the ``empathic emotion`` commands).

The ONNX runtime they share is :mod:`empathic.models`; training them is :mod:`empathic.train`.
"""
