"""Write one narrative from customer quotes with any LLM backend, inside the guards.

The steps: keep consented sources only (the others are kept aside so the output check can prove
none of their words leaked); cut each into a clean verbatim excerpt; build the prompt with the
excerpts as escaped data and placeholders; scrub it when the backend is external; generate; put
the verbatim excerpts in place of the placeholders; check the output; regenerate with another
seed when a check fails, and raise :class:`~empathic.errors.NarrativeGuardError` when every try
failed. A disclosure line is added when a quoted customer was incentivised (FTC endorsement guides).

>>> from empathic.narrate.extractive import ExtractiveLLM
>>> src = [SourceQuote(1, "Bone dry after six hours of rain.", True, author="Martin F."),
...        SourceQuote(2, "Secret story.", False)]
>>> n = narrate(src, fmt="social", llm=ExtractiveLLM(), product="Ridgeline")
>>> [q.text for q in n.quotes], n.checks["excluded_non_consented"]
(['Bone dry after six hours of rain.'], 1)
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from empathic.errors import NarrativeGuardError, NoQuotableSourceError
from empathic.models.text import covering_span
from empathic.narrate.base import LLM
from empathic.narrate.guards import check_output, clean_excerpt, language_of, scrub
from empathic.narrate.prompts import PLACEHOLDER, Brief, BriefQuote, build_messages
from empathic.safety import scan
from empathic.types import Narrative, NarrativeFormat, QuotedSpan, SourceQuote

DISCLOSURE = "Disclosure: some of the customers quoted here received a free product or another incentive."


def _author(s: SourceQuote) -> str:
    """Author names are customer data: one the detector flags (contact details, instructions...) is not shown."""
    return s.author if s.author and not scan(s.author).flagged else "a customer"


def _label(value: str) -> str:
    """Persona labels and product names may derive from customer data: dropped if the detector flags them."""
    return "" if scan(value).flagged else value


def _whole_sentences(text: str, part: str) -> tuple[int, int] | None:
    """Where ``part`` of ``text`` lies, grown to whole sentences: a ranker's highlight cut at a URL's dot, a
    decimal or an abbreviation is never quoted as a fragment (the fragment alone could look clean)."""
    at = text.find(part.strip()) if part and part.strip() else -1
    return covering_span(text, at, at + len(part.strip())) if at >= 0 else None


def narrate(
    sources: Sequence[SourceQuote],
    *,
    fmt: NarrativeFormat | str,
    llm: LLM,
    audience: str = "",
    product: str = "",
    emotion: str | None = None,
    needs: Sequence[str] = (),
    max_quotes: int = 3,
    max_tokens: int = 160,
    temperature: float = 0.7,
    seed: int = 0,
    retries: int = 2,
    canaries: Sequence[str] = (),
    include_flagged: bool = False,
) -> Narrative:
    """A guarded narrative of format ``fmt`` from ``sources`` (best first, e.g. ranked testimonials).

    ``emotion`` re-orders the sources by that emotion's probability when they carry one. A source the
    injection/abuse detector flags (:func:`empathic.safety.scan`) is not quoted unless ``include_flagged``;
    even then its flagged sentences, and whatever follows the first of them, are never quoted nor prompted.
    """
    started = time.perf_counter()
    fmt = NarrativeFormat(fmt)
    if max_quotes < 1:
        raise ValueError(f"The 'max_quotes' parameter of narrate must be an int >= 1. Got {max_quotes!r}.")
    consented = [s for s in sources if s.consent is True]
    forbidden = [s.text for s in sources if s.consent is not True]
    if emotion:
        consented.sort(key=lambda s: -s.emotions.get(emotion, 0.0))
    if not product and consented and consented[0].product:
        # one story per narrative: without a product asked for, keep to the top source's product
        top = consented[0].product
        consented = [s for s in consented if s.product == top] + [s for s in consented if s.product != top]
    picked: list[tuple[SourceQuote, str]] = []
    clean_texts: list[tuple[int, str]] = []  # what a quote may come from: consented text minus the set-aside parts
    set_aside: list[str] = []
    signs: Counter[str] = Counter()
    flagged_sources: list[int] = []
    for s in consented:
        excerpt = clean_excerpt(s.text)
        set_aside += excerpt.set_aside
        signs.update(excerpt.signs)
        if excerpt.verdict.flagged:
            flagged_sources.append(s.doc_id)
            if not include_flagged:
                continue
        clean_texts.append((s.doc_id, excerpt.clean_text))
        quote = excerpt.text
        span = _whole_sentences(s.text, s.highlight)
        if span and span[1] <= excerpt.trusted_end and "\n" not in s.text[span[0] : span[1]]:
            quote = s.text[span[0] : span[1]]
        same_story = not picked or product or s.product == picked[0][0].product
        if quote and same_story and len(picked) < max_quotes:
            picked.append((s, quote))
    if not picked:
        held = f", {len(flagged_sources)} flagged by the injection/abuse detector" if flagged_sources else ""
        raise NoQuotableSourceError(
            f"None of the {len(sources)} sources is consented and has a clean sentence to quote "
            f"({len(forbidden)} without consent{held}).",
            hint="Ingest testimonials with a consent column (--consent-col) and rank them first "
            "(`empathic testimonials`)"
            + ("; see the flags with `empathic testimonials --explain`." if flagged_sources else "."),
        )
    if not product:
        products = Counter(s.product for s, _ in picked if s.product)
        product = products.most_common(1)[0][0] if products else ""
    product = _label(product)
    canary = secrets.token_hex(4).upper()
    brief = Brief(
        format=fmt,
        quotes=tuple(BriefQuote(f"Q{i}", text, _author(s)) for i, (s, text) in enumerate(picked, start=1)),
        audience=_label(audience),
        product=product,
        emotion=emotion or "",
        needs=tuple(n for n in needs if not scan(n).flagged)[:3],
        canary=canary,
    )
    messages = build_messages(brief)
    scrubbed: Counter[str] = Counter()
    if llm.external:
        clean_messages = []
        for m in messages:
            content, found = scrub(m["content"])
            scrubbed.update(found)
            clean_messages.append({"role": m["role"], "content": content})
        messages = clean_messages
    by_id = {q.id: (s, q.text) for q, (s, _) in zip(brief.quotes, picked, strict=True)}
    context = " ".join([brief.audience, brief.product, *brief.needs, *(_author(s) for s, _ in picked)])
    language = language_of(" ".join(t for _, t in picked)) or "en"
    consented_texts = [(s.doc_id, t) for s, t in picked] + clean_texts
    rejected: list[dict[str, Any]] = []
    for attempt in range(retries + 1):
        raw = llm.complete(messages, max_tokens=max_tokens, temperature=temperature, seed=seed + attempt)
        text, used, unknown = _fill(raw, by_id)
        appended = False
        if not used:
            s, quote = picked[0]
            text = f"{text.rstrip()}\n“{quote}” — {_author(s)}".strip()
            used, appended = [brief.quotes[0].id], True
        check = check_output(
            text,
            consented=consented_texts,
            forbidden=forbidden,
            set_aside=set_aside,
            context=context + " " + DISCLOSURE,
            canaries=[canary, *canaries],
            language=language,
            context_names=[n for n in (brief.product, brief.audience) if n],
            system=messages[0]["content"],
            customers=[(s.doc_id, _author(s)) for s, _ in picked],
        )
        if not raw.strip():
            check.failures.append("empty_output")
        if check.ok:
            break
        rejected.append({"attempt": attempt + 1, "failures": check.failures})
    else:
        raise NarrativeGuardError(
            f"The {llm.name} backend produced no {fmt.value} that passed the guards in {retries + 1} tries: "
            + "; ".join(rejected[-1]["failures"][:4]),
            hint="Retry with another seed or more retries (narrate.retries), or use --llm extractive, "
            "which quotes verbatim by construction.",
            failures=rejected[-1]["failures"],
        )
    incentivised = sorted({by_id[q][0].doc_id for q in used if by_id[q][0].incentivised})
    if incentivised:
        text = f"{text.rstrip()}\n\n{DISCLOSURE}"
    checks = {
        "quotes_verbatim": True,
        "consented_only": True,
        "quotes_used": len(check.quotes),
        "quote_appended": appended,
        "unknown_placeholders": unknown,
        "unsupported_numbers": check.unsupported_numbers,
        "unsupported_claims": check.unsupported_claims,
        "injection_signs": check.injection_signs,
        "attributions_verbatim": True,  # words given to a named customer are verbatim in their text
        "named_attributions": check.attributions,
        "sources_offered": len(picked),
        "excluded_non_consented": len(forbidden),
        "suspicious_sentences_removed": len(set_aside),
        "flagged_sources": flagged_sources,
        "flagged_sources_included": include_flagged,
        "suspicious_patterns": dict(signs),
        "scrubbed": dict(scrubbed),
        "disclosure": bool(incentivised),
        "incentivised_sources": incentivised,
        "rejected_attempts": rejected,
    }
    return Narrative(
        text=text,
        format=fmt,
        backend=llm.name,
        quotes=tuple(dict.fromkeys(QuotedSpan(doc, span) for doc, span in check.quotes)),
        checks=checks,
        persona=audience or None,
        emotion=emotion,
        attempts=len(rejected) + 1,
        seconds=time.perf_counter() - started,
    )


def _fill(raw: str, by_id: dict[str, tuple[SourceQuote, str]]) -> tuple[str, list[str], list[str]]:
    """Replace placeholders by the verbatim quotes; unknown placeholders are removed and reported."""
    used: list[str] = []
    unknown: list[str] = []

    def repl(m: Any) -> str:
        qid = next(g for g in m.groups() if g)
        if qid not in by_id:
            unknown.append(qid)
            return ""
        used.append(qid)
        return f"“{by_id[qid][1]}”"

    return PLACEHOLDER.sub(repl, raw).strip(), list(dict.fromkeys(used)), unknown
