"""Needs and design ideas: which sentences ask for a change, and what the backlog should say.

A transparent rule set, no model: each sentence of a document is matched against regex cue
families (:data:`RULES`), one family per :class:`~empathic.types.NeedKind`:

* **wish** — the writer wants the product different: "I wish it had pockets", "would love it if",
  "if only", "hope they make", "it would be nice if".
* **suggestion** — advice to the brand or to other shoppers: "please make a petite version",
  "they should make", "runs small", "size up", "order a size down", "I'd recommend sizing down".
* **need** — a requirement: "I need a longer length", "needs a lining", "looking for", "missing", "lacks".
* **pain_point** — a failure, defect, fit or quality complaint: "the zip broke", "ripped", "too short",
  "doesn't fit", "pilled", "shrunk", "cheap fabric", "returned it", "disappointed".

A cue preceded by a negator in its clause ("I don't wish", "no pilling", "not too short") does not
fire; cues with the negation built in ("doesn't fit") are not checked. A pain cue introduced by a
worry ("I was afraid it would be too short, but...") does not fire either. One kind per sentence,
by priority **suggestion/wish > need > pain_point**: a sentence naming both a problem and a remedy
("the zip broke, please use a metal one") is most useful in the backlog as the remedy, and a need
usually states what a pain point only implies. ``score`` is the noisy-OR of the weights of the
chosen kind's cues that fired (one strong cue ≈ 0.9, one weak cue ≈ 0.5); ``cue`` names the strongest.

:func:`build_backlog` groups need sentences into :class:`~empathic.types.DesignIdea` items by the
product attribute they name (:data:`ATTRIBUTES`), falling back to the head word after the cue.

>>> [(n.kind.value, n.cue) for n in detect_needs(1, "Love the colour. I wish it had pockets! The zip broke.")]
[('wish', 'i_wish'), ('pain_point', 'broke')]
>>> needs = detect_needs(1, "Wish it had pockets.") + detect_needs(2, "I wish there were pockets.")
>>> docs = {1: ("Dress", 3.0, {"joy": 0.2}), 2: ("Dress", 4.0, {"joy": 0.4}), 3: ("Top", 5.0, {})}
>>> idea = build_backlog(needs, docs)[0]
>>> idea.idea, idea.evidence, dict(idea.products), idea.rating_impact
('add pockets', 2, {'Dress': 2}, -0.5)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from empathic.analyse.emotion.text import split_sentences
from empathic.types import DesignIdea, NeedKind, NeedSentence

W, S, P, N = NeedKind.WISH, NeedKind.SUGGESTION, NeedKind.PAIN_POINT, NeedKind.NEED  # short names for the rule table


@dataclass(frozen=True, slots=True)
class Rule:
    """One cue: a regex over the lower-cased sentence, the kind it signals and its weight in (0, 1).

    ``negatable`` is False when the pattern already contains its negation ("doesn't fit");
    ``idea`` fixes the backlog item for cues that name it themselves ("runs small").
    """

    name: str
    kind: NeedKind
    pattern: re.Pattern[str]
    weight: float
    negatable: bool = True
    idea: str | None = None


def _r(name: str, kind: NeedKind, pattern: str, weight: float, *, negatable: bool = True, idea: str | None = None):
    return Rule(name, kind, re.compile(pattern), weight, negatable, idea)


_ADV = r"(?:(?:very|really|a little|a little bit|a bit|a tad|slightly|quite|way|super|much|kind of|pretty|so)\s+)?"
_NEG_ADJ = (
    r"(?:small|big|large|tight|loose|short|long|thin|sheer|see[- ]?through|itchy|scratchy|boxy|wide|low|baggy|"
    r"snug|revealing|heavy|stiff|cropped|low[- ]cut|narrow|roomy|full|flimsy|bulky|big in|tight in|short in|"
    r"long in|much fabric|much material|warm|hot|clingy|shiny|busy|bright|dark|expensive|pricey|high|oversized)"
)
_SIZE_VERB = r"(?:size|sized|sizing|go|went|going|order(?:ed)?|get|got|buy|bought)"

RULES: tuple[Rule, ...] = (
    # -- wish: the writer wants the product to be different
    _r("i_wish", W, r"\b(?:i|we)\s+(?:\w+\s+)?wish(?:ed)?\b", 0.9),
    _r("wish", W, r"(?:^|[,;(]\s*)wish(?:ed)?\s+(?:it|they|this|the|there|that|i)\b|\bwish\s+(?:it|they|there)\b", 0.8),
    _r(
        "would_love_if",
        W,
        r"\b(?:would|'d)\s+(?:have\s+)?(?:love[d]?|like[d]?|prefer(?:red)?)[\s,]+(?:(?:it|this|them|to\s+see)[\s,]+)?"
        r"(?:if|more|less|a\s+\w+er|to\s+(?:see|have|get)|(?:it|this|them)\s+(?:in|to\s+be|with|more|less))\b",
        0.85,
    ),
    _r("if_only", W, r"\bif\s+only\b", 0.85),
    _r(
        "hope_they",
        W,
        r"\bhop(?:e|ing)\s+(?:that\s+)?(?:they|the\s+(?:company|brand|designer|retailer)|retailer|\w+\s+will)\s+"
        r"(?:\w+\s+)?(?:make|add|bring|offer|come\s+out|carry|restock|release|do)\b",
        0.85,
    ),
    _r("would_be_nice", W, r"\bwould\s+(?:be|have\s+been)\s+(?:\w+\s+)?"
        r"(?:nice|great|better|perfect|nicer|ideal|helpful)\s+(?:if|to|with|in|for)\b",
       0.8),
    # -- suggestion: advice to the brand or to other shoppers
    _r("please", S, r"\bplease\s+(?:\w+\s+)?(?:make|add|bring|offer|consider|restock|carry|produce|sell|stock|do|"
       r"come\s+out|go\s+back|use)\b",
       0.9),
    _r(
        "should_make",
        S,
        r"\b(?:they|you|retailer|designers?|brand|company|manufacturer|it|this|dress|top)\s+should\s+"
        r"(?:\w+\s+)?(?:make|have|come|offer|add|bring|consider|carry|be\s+made|be\s+lined|use)\b",
        0.75,
    ),
    _r("size_up", S, rf"\b{_SIZE_VERB}\s+(?:a\s+|one\s+)?(?:size\s+)?up\b",
       0.85, idea="fit runs small: size guidance"),
    _r("size_down", S, rf"\b{_SIZE_VERB}\s+(?:a\s+|one\s+)?(?:size\s+)?down\b",
       0.85, idea="fit runs large: size guidance"),
    _r("order_smaller", S, r"\b(?:a|one|two)\s+sizes?\s+(?:smaller|lower|below)\b|\bsize\s+smaller\b", 0.7,
       idea="fit runs large: size guidance"),
    _r("order_larger", S, r"\b(?:a|one|two)\s+sizes?\s+(?:larger|bigger|higher|above)\b|\bsize\s+(?:larger|bigger)\b",
       0.7, idea="fit runs small: size guidance"),
    _r("runs_small", S, rf"\b(?:runs?|running|ran|fits?)\s+{_ADV}(?:small|tight|narrow|snug|short)\b", 0.85,
       idea="fit runs small: size guidance"),
    _r("runs_large", S, rf"\b(?:runs?|running|ran|fits?)\s+{_ADV}(?:large|big|long|generous(?:ly)?)\b", 0.85,
       idea="fit runs large: size guidance"),
    _r("recommend_sizing", S,
       r"\b(?:recommend|suggest|advise)(?:ed|s)?\s+(?:\w+\s+)?(?:sizing|going|ordering|getting|a\s+size|to\s+size|"
       r"wearing|layering|a\s+(?:slip|cami|tank|camisole)|trying)\b", 0.8),
    _r("between_sizes", S, r"\bif\s+you(?:'re|\s+are)\s+(?:\w+\s+)?(?:between|in\s+between)\s+sizes\b", 0.8),
    # -- need: a requirement
    _r("i_need", N, r"\b(?:i|we|you)(?:'ll|'d)?\s+(?:\w+\s+)?need(?:ed)?\b"
       r"(?!\s+(?:to\s+(?:return|exchange|send|see|try|have|own|buy|get)|this|these|one|it\b))", 0.85),
    _r("needs_a", N, r"\bneed(?:s|ed)?\s+(?:a|an|more|less|to\s+be|some|another|extra)\b", 0.75),
    _r("have_to_wear", N, r"\b(?:have|has|had)\s+to\s+(?:wear|add|layer|buy|get|pin|tailor|hem)\b", 0.6),
    _r("looking_for", N, r"\b(?:looking|searching|hunting)\s+for\b", 0.7),
    _r("missing", N, r"\b(?:is|are|was|were|thing)\s+missing\b|\bmissing\s+(?:is|was)\b", 0.6),
    _r("lacks", N, r"\black(?:s|ed|ing)?\b", 0.55),
    # -- pain point: failure, defect, fit or quality complaint
    _r("broke", P, r"\b(?:broke|broken|breaks|ripped|rips|tore|torn|fell\s+apart|falling\s+apart|came\s+apart|"
                   r"unravel(?:l)?(?:ed|ing|s)|fray(?:ed|ing|s)|came\s+undone|came\s+off|fell\s+off|popped|"
                   r"defective|faulty|damaged|flawed|snag(?:ged|s)?(?!\s+(?:this|it|one|a|the)\b)|holes?\s+in)\b", 0.9),
    _r("too", P, rf"\b(?:too|way\s+to)\s+{_ADV}{_NEG_ADJ}\b", 0.75),
    _r("doesnt_fit", P, r"\b(?:does\s*n[o']?t|did\s*n[o']?t|do\s*n[o']?t|wo\s*n[o']?t|would\s*n[o']?t|"
        r"could\s*n[o']?t|ca\s*n[o']?t|not|never)\s+"
                        r"(?:\w+\s+)?(?:fit|flatter(?:ing)?|work(?:ed)?|hang|lay|stay|hold\s+up|look\s+good)\b",
       0.7, negatable=False),
    _r("wear_damage", P, r"\b(?:pill(?:s|ed|ing)?|fad(?:ed|es|ing)|shr[aiu]nk|shrinks?|stretched\s+out|bagged\s+out|"
                         r"lost\s+(?:its|it's|their)\s+shape|stain(?:ed|s)?|wrinkles?\s+(?:easily|terribly|badly)|"
                         r"wrinkled|wrinkly|bleeds?|bled)\b", 0.85),
    _r("cheap", P, r"\bcheap(?:ly)?\s*(?:made|fabric|material|looking|feeling|quality)?\b|\bpoor(?:ly)?\s+"
                   r"(?:quality|made|constructed|sewn)|\blow\s+quality\b|\bquality\s+(?:is|was)\s+(?:\w+\s+)?"
                   r"(?:poor|bad|lacking|disappointing|not)\b", 0.8),
    _r("returned", P, r"\b(?:return(?:ed|ing)?|sen[dt](?:ing)?\s+(?:it|them|this|these|both)\s+back|going\s+back)\b",
       0.7),
    _r("disappointed", P, r"\b(?:disappoint(?:ed|ing|ment)|let\s*down|unfortunately|sadly|wanted\s+to\s+(?:love|like)|"
                          r"not\s+as\s+pictured|nothing\s+like|not\s+what\s+i\s+expected|huge\s+miss|bummer|complaints?|downfall|downside|drawback|only\s+(?:issue|problem|con)|"
                          r"not\s+(?:very\s+)?well\s+made|not\s+made\s+(?:very\s+)?well)\b", 0.7),
    _r("unflattering", P, r"\b(?:unflattering|see[- ]?through|itchy|scratchy|uncomfortable|ill[- ]fitting|frumpy|"
                          r"shapeless|gap(?:es|ed|ing)|bunch(?:es|ed|ing)|swallowed|drowned|drowning|overwhelmed|"
                          r"maternity|tent|sack|potato\s+sack|overpriced|awkward(?:ly)?|weird(?:ly)?|odd(?:ly)?|"
                          r"smell(?:s|ed)?|static|transparent|unwearable|bulky)\b", 0.6),
    _r("not_worth", P, r"\bnot\s+worth\b", 0.7, negatable=False),
)  # fmt: skip

# suggestion and wish first, then need, then pain point (see the module docstring for why)
PRIORITY: tuple[NeedKind, ...] = (S, W, N, P)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NEGATORS = _words(
    "not no never nothing without hardly barely nor neither zero dont didnt doesnt isnt wasnt arent werent "
    "wont cant couldnt wouldnt hasnt havent hadnt"
)
_WORRY = _words(
    "worried worry concern afraid feared fear concerned nervous thought expected assumed hesitant scared unsure "
    "wondered reviews reviewers read"
)
_CLAUSE = re.compile(r"[,;:()]|\bbut\b|\bhowever\b|\bthough\b|\band\s+(?=i\b)")
_TOKEN = re.compile(r"[a-z']+")


def _before(low: str, start: int) -> list[str]:
    """Tokens of the clause that ends where a cue starts."""
    clause = _CLAUSE.split(low[:start])[-1]
    return [t.replace("'", "") for t in _TOKEN.findall(clause)]


def _negated(tokens: list[str], window: int = 5) -> bool:
    return any(t in _NEGATORS for t in tokens[-window:])


def _fired(low: str) -> list[tuple[Rule, re.Match[str]]]:
    out = []
    for rule in RULES:
        for m in rule.pattern.finditer(low):
            tokens = _before(low, m.start())
            if rule.negatable and _negated(tokens):
                continue
            if rule.kind is P and _WORRY.intersection(tokens):
                continue
            out.append((rule, m))
            break
    return out


def _normalise(sentence: str) -> str:
    return sentence.lower().replace("’", "'").replace("‘", "'")


def classify_sentence(sentence: str) -> tuple[NeedKind, float, str, int] | None:
    """(kind, score, cue, cue end offset) for one sentence, or None when no cue fires.

    >>> classify_sentence("Runs small, size up.")[:3]
    (<NeedKind.SUGGESTION: 'suggestion'>, 0.9775, 'size_up')
    >>> classify_sentence("I don't wish it were different.") is None
    True
    """
    fired = _fired(_normalise(sentence))
    if not fired:
        return None
    best_kind = None
    for kind in PRIORITY:
        if any(r.kind is kind for r, _ in fired):
            best_kind = kind
            break
    # wish and suggestion share the top rank: the stronger one wins
    kinds = {r.kind for r, _ in fired}
    if S in kinds and W in kinds:
        top = {k: max(r.weight for r, _ in fired if r.kind is k) for k in (S, W)}
        best_kind = W if top[W] > top[S] else S
    chosen = [(r, m) for r, m in fired if r.kind is best_kind]
    score = 1.0 - float(np.prod([1.0 - r.weight for r, _ in chosen]))
    rule, match = max(chosen, key=lambda rm: rm[0].weight)
    return best_kind, round(score, 4), rule.name, match.end()


def detect_needs(doc_id: int, text: str) -> list[NeedSentence]:
    """The sentences of ``text`` that express a need, pain point, wish or suggestion, in text order."""
    out = []
    for sentence in split_sentences(text):
        hit = classify_sentence(sentence)
        if hit is not None:
            kind, score, cue, _ = hit
            out.append(NeedSentence(doc_id=doc_id, sentence=sentence, kind=kind, score=score, cue=cue))
    return out


# -- backlog ----------------------------------------------------------------------------------------------

# product attribute -> (pattern, idea when wanted, idea when it is a problem). Order matters only for
# ties: the attribute nearest after the cue wins, else the nearest before it.
ATTRIBUTES: dict[str, tuple[str, str, str]] = {
    "pockets": (r"pockets?", "add pockets", "pocket design"),
    "zip": (r"zip(?:per)?s?", "better zip", "zip durability"),
    "buttons": (r"buttons?|snaps?|hooks?", "better buttons", "button durability"),
    "straps": (r"straps?", "adjustable straps", "strap fit and durability"),
    "lining": (r"lin(?:ing|ed)|unlined|slip|cami(?:sole)?", "add a lining", "lining"),
    "sheer": (r"see[- ]?through|sheer|transparent", "opaque fabric", "see-through fabric"),
    "petite": (r"petites?", "petite sizes", "petite fit"),
    "tall": (r"tall(?:er)?|long\s+torso", "tall sizes", "fit for tall customers"),
    "plus": (r"plus[- ]?sizes?|curv(?:y|ier)|extended\s+sizes|larger\s+sizes", "plus sizes", "fit for plus sizes"),
    "length": (r"length|longer|shorter|short|long|hem(?:line)?|inseam", "length options", "length"),
    "waist": (r"waist(?:band|line)?", "waist fit", "waist fit"),
    "bust": (r"bust|chest|cleavage|neckline|bra|cups?", "bust fit", "bust fit"),
    "sleeves": (r"sleeves?|arm(?:s|holes?)?|shoulders?", "sleeve options", "sleeve and shoulder fit"),
    "hood": (r"hood(?:ie)?", "add a hood", "hood design"),
    "cuffs": (r"cuffs?", "cuff design", "cuff design"),
    "pilling": (r"pill(?:s|ed|ing)?", "pilling-resistant fabric", "pilling"),
    "shrinkage": (r"shr[aiu]nk|shrink(?:s|age)?|wash(?:ed|ing)?", "shrink-resistant fabric", "shrinkage in the wash"),
    "stitching": (r"stitch(?:ing|es)?|seams?|threads?|sewn|sewing", "better stitching", "stitching and seams"),
    "colour": (r"colou?rs?|shades?|faded|fad(?:es|ing)|prints?|patterns?", "more colours", "colour and print"),
    "fabric": (r"fabric|material|cotton|polyester|linen|knit|wool|rayon|silk|quality|itchy|scratchy|thin|wrinkl\w*",
               "better fabric", "fabric quality"),
    "price": (r"price[ds]?|expensive|pricey|overpriced|cost|money|\$\d+", "lower price", "price and value"),
    "delivery": (r"deliver(?:y|ed)|shipping|shipped|arrived", "faster delivery", "delivery"),
    "packaging": (r"packag(?:ing|ed)|wrapped|box", "better packaging", "packaging"),
    "sizing": (r"siz(?:e|es|ing|ed)|fit(?:s|ting)?|small|large|big|tight|loose|baggy|huge|tts", "size guidance", "fit"),
}  # fmt: skip
_ATTR = [(key, re.compile(rf"\b(?:{pat})\b"), want, pain) for key, (pat, want, pain) in ATTRIBUTES.items()]
_STOP = _words(
    "a an the it its it's this that these those they them i me my we you your is are was were be been being "
    "to of in on for with and or but so if as at by from up down out more less much very really just too also "
    "had have has would could should will can do does did some any one all there here than then which what "
    "when how had get got make made add added come came bit little lot way quite still even"
)


def _lemma(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def idea_for(need: NeedSentence) -> str:
    """The backlog key of one need sentence: its cue's own idea, the attribute it names, or its head word.

    >>> idea_for(NeedSentence(1, "The zipper broke after a week.", NeedKind.PAIN_POINT, 0.9, "broke"))
    'zip durability'
    """
    low = _normalise(need.sentence)
    rule = next((r for r in RULES if r.name == need.cue), None)
    if rule is not None and rule.idea:
        return rule.idea
    hit = classify_sentence(need.sentence)
    cue_end = hit[3] if hit else 0
    want = need.kind is not NeedKind.PAIN_POINT
    found = []
    for order, (_, pattern, want_idea, pain_idea) in enumerate(_ATTR):
        for m in pattern.finditer(low):
            after = m.start() >= cue_end
            found.append((not after, abs(m.start() - cue_end), order, want_idea if want else pain_idea))
    if found:
        return min(found)[3]
    words = _TOKEN.findall(low[cue_end:]) + _TOKEN.findall(low[:cue_end])[::-1]
    head = next((_lemma(w) for w in words if len(w) > 2 and w not in _STOP), "other")
    return f"{head} ({need.kind.value.replace('_', ' ')})"


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
) -> list[DesignIdea]:
    """Group need sentences into design ideas, most evidence first, then most negative rating impact.

    ``docs`` maps every analysed ``doc_id`` to ``(product, rating, ekman_mix)``; the overall mean rating
    (the baseline of ``rating_impact``) is taken over all of them, not only those with needs.
    """
    if top < 1:
        raise ValueError(f"The 'top' parameter of build_backlog must be an int >= 1. Got {top!r}.")
    ratings = [r for _, r, _ in docs.values() if r is not None]
    overall = float(np.mean(ratings)) if ratings else None
    groups: dict[str, list[NeedSentence]] = {}
    for need in needs:
        groups.setdefault(idea_for(need), []).append(need)
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


# -- evaluation -------------------------------------------------------------------------------------------

LABELS: tuple[str, ...] = (*(k.value for k in NeedKind), "none")


def evaluate(sentences: Sequence[str], labels: Sequence[str]) -> dict[str, object]:
    """Precision/recall/F1 of :func:`classify_sentence` against gold labels (``LABELS``), with a confusion matrix.

    ``per_label`` scores each label one-vs-rest; ``micro`` pools the four need kinds (a sentence counts as
    correct only with the right kind); ``any_need`` is need-of-any-kind vs ``none``. ``confusion[gold][pred]``.

    >>> r = evaluate(["I wish it had pockets.", "Lovely."], ["wish", "none"])
    >>> r["micro"]["f1"], r["confusion"]["wish"]["wish"]
    (1.0, 1)
    """
    if len(sentences) != len(labels):
        raise ValueError(f"sentences ({len(sentences)}) and labels ({len(labels)}) must have the same length")
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise ValueError(f"unknown labels {unknown}; expected one of {list(LABELS)}")
    preds = []
    for s in sentences:
        hit = classify_sentence(s)
        preds.append(hit[0].value if hit else "none")
    confusion = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    for g, p in zip(labels, preds, strict=True):
        confusion[g][p] += 1

    def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": tp + fn}

    pairs = list(zip(labels, preds, strict=True))
    per_label = {
        lab: prf(
            sum(g == p == lab for g, p in pairs),
            sum(p == lab != g for g, p in pairs),
            sum(g == lab != p for g, p in pairs),
        )
        for lab in LABELS
    }
    micro = prf(
        sum(g == p != "none" for g, p in pairs),
        sum(p != "none" and p != g for g, p in pairs),
        sum(g != "none" and p != g for g, p in pairs),
    )
    any_need = prf(
        sum(g != "none" and p != "none" for g, p in pairs),
        sum(g == "none" != p for g, p in pairs),
        sum(p == "none" != g for g, p in pairs),
    )
    return {"n": len(pairs), "per_label": per_label, "micro": micro, "any_need": any_need, "confusion": confusion}
