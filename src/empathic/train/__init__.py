"""The training wing: offline jobs that read data sets and write model folders (the ``train`` extra).

* :mod:`.minilm` — all-MiniLM-L6-v2 for training: weights, tokenizer, encoder, optimiser (torch);
* :mod:`.emotion`, :mod:`.heads` — the ``minilm-heads`` emotion model (numpy) and threshold calibration;
* :mod:`.emotion_finetune` — the ``minilm-finetuned`` emotion model (torch → ONNX → int8);
* :mod:`.pretest_linear` — the linear pre-test models and their grouped CV (scikit-learn);
* :mod:`.pretest_scorer` — the pairwise MiniLM scorer of ``minilm-pairwise`` (torch → ONNX → int8).

Importing any of these never needs torch: a training function that needs it raises
:class:`~empathic.errors.BackendNotInstalledError` with the install line when it is called. The runtime
that loads what they write is :mod:`empathic.models` and the stages; only :mod:`empathic.cli` imports this.
"""
