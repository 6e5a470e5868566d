"""What each need sentence is about, mined from the data, and the backlog items those aspects add up to.

No product lexicon: an aspect is a content word (or a two-word phrase such as "write speed") of the need sentences,
ranked by class-based TF-IDF (c-TF-IDF, as in BERTopic) of the need sentences against the other sentences of the
corpus, so words that are everywhere ("card" in memory-card reviews, "order" in a shop's tweets) rank below the ones
customers raise when they complain or ask ("speed", "refund"). Candidates exclude function words, general verbs,
time words and sentiment words (the VADER lexicon); a word ending in -ing counts only where the corpus also uses it
as a noun ("the shipping", "my booking"), one ending in -ed only right after a determiner ("the bed"; "speed" is no
past tense); words inside the sentence's cue ("too *slow*") count half. Each sentence takes its best-ranked
candidate; sentences are grouped by that word's lemma and the group is named by its most frequent form, or by the
two-word phrase holding it when most of the group uses that phrase. Deterministic: ties break by first position.

>>> from empathic.analyse.needs import detect_needs
>>> needs = detect_needs(1, "The write speed is too slow.") + detect_needs(2, "Disappointed by the write speed.")
>>> needs += detect_needs(3, "Still waiting for my refund.") + detect_needs(4, "Can you refund me?")
>>> [(i.idea, i.evidence) for i in build_backlog(needs, {})]
[('refund', 2), ('write speed', 2)]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from empathic.analyse.needs.cues import PRIORITY, RULES, _fired, _normalise, _vader, _words
from empathic.types import DesignIdea, NeedSentence

__all__ = ["build_backlog", "idea_for", "mine_aspects"]


# function words, general verbs, time and quantity words: never the thing a customer talks about
_STOP = _words(
    "a an the it its it's this that these those they them their i me my mine we us our you your yours he him his "
    "she her is are was were be been being am to of in on for with and or but so if as at by from up down out off "
    "over under into onto about after before again more less much very really just too also had have has would "
    "could should will can do does did done some any one all there here than then which what when where who whom "
    "whose why how had get got gets getting make makes made add added come came comes bit little lot lots way quite "
    "still even not no nor yes yeah ok okay only own same other another each every both either neither such "
    "via per etc i'm i've i'd i'll you're you've you'll we're we've they're it'll that's there's what's "
    "don't doesn't didn't can't won't isn't wasn't aren't haven't hasn't couldn't wouldn't shouldn't "
    "need needs needed want wants wanted wish wished like liked love loved hope hoped please pls plz help thanks "
    "thank thx know knew think thought say said says tell told ask asked try tried trying use used using go goes "
    "went going gone take took taken give gave given see saw seen look looks looked keep kept let put set find "
    "found seem seems seemed feel feels felt wear wore worn buy bought order ordered ordering return returned "
    "returning call called send sent receive received work works worked working run runs ran running start started "
    "stop stopped wait waiting waited happen happened happening change changed fix fixed show shows showed "
    "maybe actually literally probably definitely always never ever already yet now today tomorrow yesterday "
    "tonight day days week weeks month months year years hour hours minute minutes mins time times morning "
    "night weekend monday tuesday wednesday thursday friday saturday sunday first second last next "
    "someone anyone everyone something anything everything nothing thing things stuff guys guy folks people "
    "hi hey hello dear lol omg wtf smh pls dm dms rt amp gonna wanna gotta y'all yall u ur im ive dont cant wont "
    "able unable sure right well back around away enough though although however because since while until "
    "instead almost nearly else without within upon per regarding anyway overall usually typically normally "
    "new old whole entire different real full same issue problem trouble complaint question reason"
)
_TOKEN = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")
_NOISE = re.compile(r"@\w+|#\w+|https?://\S+|\$?\d[\d.,:/%$£€]*\w*")
_RULE = {r.name: r for r in RULES}
_DETERMINER = _words("the a an my your our their this that his her its some any no")
_PREDICATIVE = _words("is was are were be been being am very so too really quite more less most pretty super extremely")


def _lemma(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _tokens(sentence: str) -> list[tuple[str, int]]:
    """(word, offset) of the normalised sentence with handles, hashtags, links and numbers blanked out."""
    low = _NOISE.sub(lambda m: " " * len(m.group()), _normalise(sentence))
    return [(m.group().removesuffix("'s"), m.start()) for m in _TOKEN.finditer(low)]


def _verb_like(word: str) -> bool:
    return len(word) > 4 and (word.endswith("ing") or (word.endswith("ed") and not word.endswith("eed")))


def _not_nouns(token_lists: Iterable[list[str]]) -> set[str]:
    """Words the corpus uses more like adjectives or verbs than nouns: a part-of-speech guess from the data.

    A noun follows a determiner ("the speed", "my booking", "the write speed"); an adjective follows a copula or an
    intensifier ("is late", "too small"). A word is left out when it follows the second kind more often (twice at
    least; "there were pockets" does not count), or when it
    looks inflected (-ing, -ed) and never follows a determiner.
    """
    det: Counter[str] = Counter()
    adj: Counter[str] = Counter()
    words = set()
    for toks in token_lists:
        words.update(toks)
        for i, word in enumerate(toks):
            if (i and toks[i - 1] in _DETERMINER) or (
                i > 1 and toks[i - 2] in _DETERMINER and toks[i - 1] not in _STOP
            ):
                det[word] += 1
            elif i and toks[i - 1] in _PREDICATIVE and (i < 2 or toks[i - 2] != "there"):
                adj[word] += 1
    return {w for w in words if adj[w] > max(det[w], 1) or (_verb_like(w) and not det[w])}


def _is_candidate(word: str, not_nouns: set[str]) -> bool:
    if len(word) < 3 or word in _STOP or _lemma(word) in _STOP or word.endswith(("ly", "n't")):
        return False
    if _vader().lexicon.get(word, 0.0):
        return False
    return word not in not_nouns


def _cue_spans(sentence: str, cue: str | None) -> list[tuple[int, int]]:
    low = _normalise(sentence)
    if cue is None:
        return [m.span() for _, m in _fired(low)]
    rule = _RULE.get(cue)  # the cue that fired is enough; "question" and "negative_evaluation" have no span
    return [m.span() for m in rule.pattern.finditer(low)] if rule else []


def _candidates(
    toks: list[tuple[str, int]], cue_spans: list[tuple[int, int]], not_nouns: set[str]
) -> list[tuple[str, str | None, bool]]:
    """(lemma, two-word phrase ending or starting there or None, inside the cue) per candidate word, in order."""
    keep = [_is_candidate(w, not_nouns) for w, _ in toks]
    out = []
    for i, (word, start) in enumerate(toks):
        if not keep[i]:
            continue
        phrase = None
        if i + 1 < len(toks) and keep[i + 1]:
            phrase = f"{word} {toks[i + 1][0]}"
        elif i > 0 and keep[i - 1]:
            phrase = f"{toks[i - 1][0]} {word}"
        in_cue = any(a <= start < b for a, b in cue_spans)
        out.append((_lemma(word), phrase, in_cue))
    return out


def mine_aspects(
    sentences: Sequence[str], background: Sequence[str] = (), *, cues: Sequence[str] | None = None
) -> list[str | None]:
    """The aspect each sentence is about (None when it names nothing), mined from the sentences themselves.

    ``background`` holds the corpus's other sentences (or whole texts): words frequent there rank lower (c-TF-IDF).
    ``cues`` names each sentence's cue (:attr:`NeedSentence.cue`), which spares matching every rule again.

    >>> mine_aspects(["Battery life is awful.", "The battery died.", "Love the screen."], ["The screen is sharp."])
    ['battery', 'battery', 'screen']
    """
    if cues is not None and len(cues) != len(sentences):
        raise ValueError(f"cues ({len(cues)}) and sentences ({len(sentences)}) must have the same length")
    toks = [_tokens(s) for s in sentences]
    bg_toks = [[w for w, _ in _tokens(text)] for text in background]
    not_nouns = _not_nouns([*([w for w, _ in ts] for ts in toks), *bg_toks])
    cands = [
        _candidates(ts, _cue_spans(s, None if cues is None else cues[i]), not_nouns)
        for i, (s, ts) in enumerate(zip(sentences, toks, strict=True))
    ]
    tf = Counter(lem for cs in cands for lem in {c[0] for c in cs})
    bg: Counter[str] = Counter()
    for words in bg_toks:
        bg.update({_lemma(w) for w in words})
    bg_words = sum(map(len, bg_toks))
    need_words = sum(map(len, toks))
    avg = (need_words + bg_words) / (2 if background else 1)
    score = {t: n * math.log(1.0 + avg / (n + bg[t])) for t, n in tf.items()}
    picked: list[str | None] = []
    for cs in cands:
        if not cs:
            picked.append(None)
            continue
        ranked = sorted(enumerate(cs), key=lambda ic: (-score[ic[1][0]] * (0.5 if ic[1][2] else 1.0), ic[0]))
        picked.append(ranked[0][1][0])
    # name each lemma by its most frequent surface form, or by its most frequent phrase when most of the group has it
    forms: dict[str, Counter[str]] = {}
    phrases: dict[str, Counter[str]] = {}
    for ts, cs, lem in zip(toks, cands, picked, strict=True):
        if lem is None:
            continue
        for word, _ in ts:
            if _lemma(word) == lem:
                forms.setdefault(lem, Counter())[word] += 1
                break
        seen = {p for c, p, _ in cs if c == lem and p}
        phrases.setdefault(lem, Counter()).update(seen)
    size = Counter(p for p in picked if p)
    names = {}
    for lem, n in size.items():
        top = sorted(phrases.get(lem, Counter()).items(), key=lambda kv: (-kv[1], kv[0]))
        if top and top[0][1] * 2 > n:
            names[lem] = top[0][0]
        else:
            names[lem] = sorted(forms[lem].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return [None if lem is None else names[lem] for lem in picked]


def idea_for(need: NeedSentence, aspect: str | None = None) -> str:
    """The backlog key of one need sentence: its mined ``aspect`` (or, alone, the sentence's own best word).

    >>> from empathic.types import NeedKind
    >>> idea_for(NeedSentence(1, "The zipper broke after a week.", NeedKind.PAIN_POINT, 0.9, "broke"))
    'zipper'
    >>> idea_for(NeedSentence(1, "Lame.", NeedKind.PAIN_POINT, 0.5, "negative_evaluation"))
    'other (pain point)'
    """
    if aspect is None:
        aspect = mine_aspects([need.sentence])[0]
    return aspect or f"other ({need.kind.value.replace('_', ' ')})"


def _informative(quotes: Sequence[str], k: int = 3) -> tuple[str, ...]:
    """The ``k`` shortest distinct quotes of at least four words (shorter ones only to fill up)."""
    distinct = list(dict.fromkeys(q.strip() for q in quotes))
    ranked = sorted(distinct, key=lambda q: (len(q.split()) < 4, len(q), q))
    return tuple(ranked[:k])


def build_backlog(
    needs: Sequence[NeedSentence],
    docs: Mapping[int, tuple[str | None, float | None, Mapping[str, float]]],
    *,
    top: int = 20,
    background: Sequence[str] = (),
) -> list[DesignIdea]:
    """Group need sentences into design ideas by mined aspect, most evidence first, then most negative rating impact.

    ``docs`` maps every analysed ``doc_id`` to ``(product, rating, ekman_mix)``; the overall mean rating
    (the baseline of ``rating_impact``) is taken over all of them, not only those with needs. ``background`` is the
    corpus's text (all documents, or their sentences without needs): the contrast that ranks aspects
    (see :func:`mine_aspects`); without it, aspects are ranked by frequency among the need sentences alone.
    """
    if top < 1:
        raise ValueError(f"The 'top' parameter of build_backlog must be an int >= 1. Got {top!r}.")
    ratings = [r for _, r, _ in docs.values() if r is not None]
    overall = float(np.mean(ratings)) if ratings else None
    aspects = mine_aspects([n.sentence for n in needs], background, cues=[n.cue for n in needs])
    groups: dict[str, list[NeedSentence]] = {}
    for need, aspect in zip(needs, aspects, strict=True):
        groups.setdefault(idea_for(need, aspect), []).append(need)
    ideas = []
    for idea, members in groups.items():
        doc_ids = tuple(sorted({n.doc_id for n in members}))
        infos = [docs[d] for d in doc_ids if d in docs]
        products = Counter(p for p, _, _ in infos if p)
        doc_ratings = [r for _, r, _ in infos if r is not None]
        mean_rating = float(np.mean(doc_ratings)) if doc_ratings else None
        impact = mean_rating - overall if mean_rating is not None and overall is not None else None
        mixes = [m for _, _, m in infos if m]
        keys = sorted({k for m in mixes for k in m})
        mix = {k: float(np.mean([m.get(k, 0.0) for m in mixes])) for k in keys}
        kinds = Counter(n.kind for n in members)
        kind = max(kinds, key=lambda k: (kinds[k], -PRIORITY.index(k)))
        ideas.append(
            DesignIdea(
                idea=idea,
                kind=kind,
                evidence=len(members),
                doc_ids=doc_ids,
                quotes=_informative([n.sentence for n in members]),
                products=dict(products.most_common()),
                mean_rating=None if mean_rating is None else round(mean_rating, 6),
                rating_impact=None if impact is None else round(impact, 6),
                emotion_mix=mix,
            )
        )
    ideas.sort(key=lambda d: (-d.evidence, d.rating_impact if d.rating_impact is not None else 0.0, d.idea))
    return ideas[:top]
