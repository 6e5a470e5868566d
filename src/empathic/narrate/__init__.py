"""Narratives from customer quotes: one ``LLM`` protocol, three backends, guards on every output.

Backends (registry kind ``llm``): ``extractive`` (templates and verbatim quotes, no model; the
offline default), ``local`` (llama.cpp in-process via xllamacpp, SmolLM2-135M-Instruct) and
``openai`` (any OpenAI-compatible endpoint). :func:`narrate` builds the prompt with customer text
as escaped data, generates, and checks the output (:mod:`empathic.narrate.guards`).
"""

from __future__ import annotations

from empathic.narrate.base import LLM, get_llm, runs_locally
from empathic.narrate.narrator import DISCLOSURE, narrate

__all__ = ["DISCLOSURE", "LLM", "get_llm", "narrate", "runs_locally"]
