"""Narrative latency per LLM backend, as a ratio to the extractive backend measured in the same run.

Sources: the demo brand's consented testimonials for one product (read from the bundled CSV; no ranking,
so only the narrative is timed). Each backend writes the same formats; ``local`` is llama.cpp in-process
(SmolLM2-135M-Instruct Q4_1), ``openai`` is the OpenAI-compatible HTTP path against a server on 127.0.0.1
that serves the same local model (so the difference is the protocol and the scrubbing, not the model).

    nice -n 10 .venv/bin/python bench/narrate.py --runs 3 --max-tokens 64
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time

from empathic.demo import DATA_DIR
from empathic.errors import NarrativeGuardError
from empathic.narrate import get_llm, narrate
from empathic.narrate.openai import OpenAILLM
from empathic.testing.chat_server import ChatServer
from empathic.types import SourceQuote

FORMATS = ("ad", "social", "scene-script")


def sources(product: str) -> list[SourceQuote]:
    with (DATA_DIR / "testimonials.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["product"] == product]
    consent = {"yes": True, "no": False, "": None}
    return [
        SourceQuote(i, r["text"], consent[r["consent"]], r["incentivised"] == "true", r["author"], r["product"])
        for i, r in enumerate(rows, start=1)
    ]


def time_backend(llm, src, runs: int, max_tokens: int) -> dict[str, object]:
    seconds, attempts, refused = [], [], 0
    for run in range(runs):
        for fmt in FORMATS:
            started = time.perf_counter()
            try:
                n = narrate(src, fmt=fmt, llm=llm, max_tokens=max_tokens, seed=run, retries=2)
                attempts.append(n.attempts)
            except NarrativeGuardError:
                refused += 1
                attempts.append(3)
            seconds.append(time.perf_counter() - started)
    return {
        "narratives": len(seconds),
        "median_s": statistics.median(seconds),
        "mean_attempts": statistics.mean(attempts),
        "refused": refused,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per format for the model backends")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--product", default="Ridgeline Rain Shell")
    args = parser.parse_args()
    src = sources(args.product)
    results = {"extractive": time_backend(get_llm("extractive"), src, runs=50, max_tokens=args.max_tokens)}
    local = get_llm("local")
    local.complete([{"role": "user", "content": "Hi"}], max_tokens=2)  # load and warm up outside the timing
    results["local"] = time_backend(local, src, args.runs, args.max_tokens)
    print(json.dumps({"local": results["local"]}), file=sys.stderr, flush=True)
    with ChatServer(local.chat_completions) as server:
        remote = OpenAILLM(base_url=server.base_url, model="smollm2", timeout=600)
        results["openai"] = time_backend(remote, src, args.runs, args.max_tokens)
    base = results["extractive"]["median_s"]
    for r in results.values():
        r["ratio_to_extractive"] = r["median_s"] / base  # type: ignore[operator]
    print(json.dumps({"max_tokens": args.max_tokens, "formats": FORMATS, "sources": len(src), "results": results},
                     indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
