"""The runtime wing: what running a shipped model needs, with no torch.

* :mod:`.onnx` — tokenise, chunk long texts, run an ONNX encoder on CPU (length-sorted, dynamic padding);
* :mod:`.text` — the one sentence splitter and emoji as words;
* :mod:`.manifest` — model folders: ``manifest.json`` with sha256 of every file, checked at load; model cards;
* :mod:`.quantize` — static int8 quantisation of an fp32 encoder (needs ``onnx`` at build time only).

Training (torch) lives in :mod:`empathic.train`, above every stage; nothing here imports it.
"""
