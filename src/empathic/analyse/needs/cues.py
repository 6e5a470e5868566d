"""Which sentences state a need, pain point, wish or suggestion: domain-general English cues, no product lexicon.

Each sentence is matched against regex cue families (:data:`RULES`), one family per
:class:`~empathic.types.NeedKind`, written about *wanting, asking and complaining*, not about one kind of product:

* **wish** — "I wish", "would love it if", "I'd rather", "if only", "hope they add", "it would be great if".
* **suggestion** — advice to the company or to other customers: "please make/add/offer…", "you should…",
  "y'all need to…", "maybe don't…", "I'd recommend…", and sizing advice ("runs small", "size up").
* **need** — a requirement or a request: "I need", "I want my…", "can you refund me", "please help",
  "how do I…?", "is it possible…?", "looking for", "missing", "lacks".
* **pain_point** — a failure or complaint: "doesn't work", "can't log in", "hasn't arrived", "still waiting",
  "broke", "too slow", "not worth", "poor quality", "disappointed", "why is…?".

When no cue fires, a direct question to the company ("Are they direct flights?", cue ``question``) is a need, and a
clause-level **negative evaluation** can still make a sentence a weak pain point: its VADER
compound score (Hutto & Gilbert 2014, a general-English sentiment lexicon) at or below
:data:`NEGATIVE_EVALUATION` (cue ``negative_evaluation``). A product word is never a complaint by itself: "cheap"
is praise of a price ("cheap and works great"); "feels cheap", "cheaply made" and "cheap plastic" are complaints.

A cue preceded by a negator in its clause ("I don't wish", "no problems", "not too short") does not fire; cues with
the negation built in ("doesn't work") are not checked. A pain cue introduced by a worry ("I was afraid it would be
too short, but…") does not fire either. One kind per sentence, by priority **suggestion/wish > need > pain_point**:
"the zip broke, please use a metal one" is most useful as the remedy. ``score`` is the noisy-OR of the weights of
the chosen kind's cues (one strong cue ≈ 0.9, one weak cue ≈ 0.5); ``cue`` names the strongest.

>>> [(n.kind.value, n.cue) for n in detect_needs(1, "Love the colour. I wish it had pockets! The zip broke.")]
[('wish', 'i_wish'), ('pain_point', 'broke')]
>>> [n.kind.value for n in detect_needs(2, "Cheap and works great. My order still hasn't arrived. Can you refund me?")]
['pain_point', 'need']
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from empathic.models.text import split_sentences
from empathic.types import NeedKind, NeedSentence

W, S, P, N = NeedKind.WISH, NeedKind.SUGGESTION, NeedKind.PAIN_POINT, NeedKind.NEED  # short names for the rule table

#: VADER compound at or below which a sentence with no cue is a (weak) pain point; chosen on the DEV samples only.
NEGATIVE_EVALUATION = -0.5


@dataclass(frozen=True, slots=True)
class Rule:
    """One cue: a regex over the lower-cased sentence, the kind it signals and its weight in (0, 1).

    ``negatable`` is False when the pattern already contains its negation ("doesn't work"); ``gate`` lists strings
    of which the sentence must hold one for the pattern to be tried at all (speed only: the pattern cannot match
    without one).
    """

    name: str
    kind: NeedKind
    pattern: re.Pattern[str]
    weight: float
    negatable: bool = True
    gate: tuple[str, ...] = ()


def _r(
    name: str, kind: NeedKind, pattern: str, weight: float, *, negatable: bool = True, gate: tuple[str, ...] = ()
) -> Rule:
    return Rule(name, kind, re.compile(pattern), weight, negatable, gate)


_ADV = r"(?:(?:very|really|a little|a little bit|a bit|a tad|slightly|quite|way|super|much|kind of|pretty|so|far)\s+)?"
_NT = r"(?:n[o']?t|not)"  # "doesn't", "does not", "dont" once apostrophes are normalised
_AUX_NEG = (
    rf"(?:(?:does|did|do|wo|would|could|ca|is|was|are|were|has|have|had)\s*{_NT}|cannot|can\s+not|never|unable\s+to)"
)
_SIZE = r"(?:a\s+|one\s+|two\s+)?sizes?"
# verbs of something that should happen but does not: "won't load", "can't log in", "doesn't work"
_FAIL_VERB = (
    r"(?:work(?:s|ed|ing)?|load|open|connect|download|upload|install|update|play|stream|sync|charge|turn\s+on|"
    r"start|boot|log\s*(?:in|on|into)|login|sign\s+in|access|view|watch|renew|book|check\s+in|redeem|set\s+up|establish|"
    r"do\s+(?:that|it|this|anything)|receive|get\s+(?:through|in|a\s+hold|any|my)|"
    r"reach|contact|call|cancel|change|delete|fix|resolve|sort|help|respond|reply|answer|deliver|arrive|show|"
    r"send|pay|use|see|let\s+me|fit|flatter(?:ing)?|hang|lay|stay|hold\s+up|look\s+good|last|keep\s+up)"
)

# "too" + any word is a complaint ("too slow", "too pricey", "too small") unless the word is praise or not an
# adjective ("too cute", "me too and...")
_NOT_TOO = (
    r"(?:and|or|but|the|a|an|i|it|its|it's|is|was|are|me|my|so|as|at|in|on|to|for|with|this|that|they|we|you|he|she|"
    r"good|cute|pretty|perfect|beautiful|lovely|nice|great|soft|comfortable|comfy|happy|excited|fun|bad|many|much|"
    r"well|sweet|adorable|gorgeous|cool|stylish|flattering|amazing|awesome|glad|pleased|easy|quick|fast|important|"
    r"hard\s+to\s+resist|fabulous|excellent|wonderful|let|lol|haha|thanks|now|then|just)"
)

RULES: tuple[Rule, ...] = (
    # -- wish: the writer wants something different or new
    _r("i_wish", W, r"\b(?:i|we)\s+(?:\w+\s+)?wish(?:ed|ing)?\b", 0.9),
    _r("wish", W, r"(?:^|[,;(]\s*)wish(?:ed)?\s+(?:it|they|this|the|there|that|i|you)\b|\bwish\s+(?:it|they|there)\b",
       0.8),
    _r("would_love_if", W,
       r"\b(?:would|'d)\s+(?:have\s+)?(?:love[d]?|like[d]?|prefer(?:red)?)[\s,]+(?:(?:it|this|them|to\s+see)[\s,]+)?"
       r"(?:if|more|less|a\s+\w+er|to\s+(?:see|have|get)|(?:it|this|them)\s+(?:in|to\s+be|with|more|less)|the)\b",
       0.85),
    _r("rather", W, r"\b(?:i|we)(?:'d|\s+would)\s+(?:\w+\s+)?rather\b", 0.8),
    _r("if_only", W, r"\bif\s+only\b|\bwould\s+give\s+anything\b|\bimagine\s+if\b", 0.85),
    _r("hope_they", W,
       r"\bhop(?:e|ing)\s+(?:that\s+)?(?:they|you|the\s+\w+|\w+\s+will|our|to\s+see)\s+(?:\w+\s+)?"
       r"(?:make|add|bring|offer|come\s+out|carry|restock|release|do|provides?|fix|get|see)\b|\bwishing\b",
       0.8),
    _r("would_be_nice", W, r"\bwould\s+(?:be|have\s+been)\s+(?:\w+\s+)?(?:nice|great|better|perfect|nicer|ideal|"
                           r"helpful|brilliant|awesome|amazing|good|cool|lovely)\s+(?:if|to|with|in|for)\b",

       0.8),
    # -- suggestion: advice to the company or to other customers
    _r("please_make", S, r"\b(?:please|pls|plz)\s+(?:\w+\s+)?(?:make|add|bring|offer|consider|restock|carry|produce|"
                         r"sell|stock|come\s+out|go\s+back|use|give|start|stop|allow|let\s+(?:us|people))\b", 0.85,
       gate=('please', 'pls', 'plz')),
    _r("should_make", S, r"\b(?:they|you|y'?all|retailer|designers?|brand|company|manufacturer|it|this|\w+)\s+should\s+"
                         r"(?:\w+\s+){0,2}(?:make|have|come|offer|add|bring|consider|carry|be|use|start|stop|allow|"
                         r"give|get|hire|train|include|qualify)\b", 0.7, gate=('should',)),
    _r("you_need_to", S, r"\b(?:you|y'?all|you\s+guys|they)\s+(?:really\s+)?need\s+to\s+(?:start|stop|get|make|"
                         r"add|hire|train|fix|update|offer|bring)\b", 0.75),
    _r("maybe_do", S, r"^(?:\W*\w+\W+)?maybe\s+(?:a|an|add|don'?t|do|try|you|they|offer|make)\b", 0.6),
    _r("recommend", S, r"\b(?:i'?d|i\s+would|would)\s+(?:recommend|suggest|advise)\b|\b(?:recommend|suggest|advise)"
                       r"(?:ed|s)?\s+(?:\w+\s+)?(?:sizing|going|ordering|getting|a\s+size|to\s+size|wearing|layering|"
                       r"trying|it\s+for|for\s+(?:those|anyone|people|someone))\b|\bbuyer\s+beware\b", 0.75),
    _r("might_be_better", S, r"\b(?:might|would|could|may)\s+(?:have\s+)?been\s+better\b", 0.6),
    _r("better_for", S, r"\b(?:better|best|great|good|more)\s+for\s+(?:those|people|someone|anyone|them)\b|\bif\s+you"
                        r"(?:'re|\s+are|\s+have|\s+want)\s+(?:\w+\s+)?(?:between|in\s+between|petite|tall|busty|"
                        r"looking\s+for)\b", 0.6),
    # sizing advice: generic words of size, not a product lexicon ("runs small" fits shoes, gloves, rings...)
    _r("size_up", S, rf"\b(?:size[ds]?|sizing)\s+(?:\w+\s+)?(?:up|down)\b|\b(?:go|went|going|order(?:ed)?|get|got|"
                     rf"buy|bought|take|took)\s+{_SIZE}\s+(?:up|down|smaller|larger|bigger|lower|higher)\b|"
                     rf"\b(?:up|down)\s+{_SIZE}\b", 0.85, gate=('size', 'up', 'down')),
    _r("runs_small", S, rf"\b(?:runs?|running|ran)\s+{_ADV}(?:small|large|big|tight|narrow|snug|short|long|wide|"
                        rf"generous(?:ly)?)\b|\bfits?\s+{_ADV}(?:small|large|big|snug|tight|generous(?:ly)?)\b", 0.85,
       gate=('run', 'ran', 'fit')),
    # -- need: a requirement or a request
    _r("i_need", N, r"\b(?:i|we)(?:'ll|'d|'re|'m)?\s+(?:\w+\s+){0,2}need(?:ed)?\b"
                    r"(?!\s+to\s+(?:return|exchange|send\s+it\s+back))|"
                    r"^\W*need\s+(?!to\s+return)", 0.85, gate=('need',)),
    _r("needs_a", N, r"\bneed(?:s|ed)?\s+(?:a|an|more|less|to\s+be|some|another|extra|help|your)\b", 0.75,
       gate=('need',)),
    _r("i_want", N, r"(?<!thing\s)(?<!what\s)(?<!as\s)\b(?:i|we)\s+(?:\w+\s+)?"
                    r"(?:want|would\s+like|'d\s+like|wanted\s+to\s+know)\b(?!\s+to\s+(?:say|"
                    r"thank|share|love|like|let|give\s+a\s+shout))|^\W*(?:@\w+\b\W*)*(?:wanted|want|would\s+like)\s+to\s+(?:know|"
                    r"check|ask|confirm|change|cancel)\b", 0.8, gate=('want', 'like')),
    _r("request", N, r"\b(?:can|could|would|will|please)\s+(?:you|u|someone|somebody|anyone|y'?all)\s+(?:\w+\s+)?"
                     r"(?:help|assist|check|fix|refund|send|tell|explain|look|confirm|update|reply|respond|advise|"
                     r"let|give|change|cancel|sort|share|contact|call|dm|reset|resolve|process|credit|get|make|please)"
                     r"\b|\b(?:please|pls|plz)\s+(?:\w+\s+)?(?:help|check|fix|advise|refund|respond|reply|look|"
                     r"confirm|assist|update|cancel|sort|resolve|send|dm|call|contact|let|tell|explain|keep)\b", 0.85,
       gate=('can', 'could', 'would', 'will', 'please', 'pls', 'plz')),
    _r("help", N, r"^\W*(?:@\w+\b\W*)*(?:help|sos)\b|(?<![@\w])(?<!the\s)(?<!your\s)(?<!for\s)help\W*(?:@\w+\b\W*)*$|"
                  r"\b(?:need|want|get)\s+(?:some\s+)?help\b"
                  r"|\bhelp\s+me\b", 0.8, gate=('help', 'sos')),
    _r("refund_me", N, r"\b(?:refund|reimburse|compensate|credit)\s+(?:me|my|us|our)\b|\bmy\s+money\s+back\b", 0.8),
    _r("how_do_i", N, r"(?<!knows\s)\b(?:how|where|what)\s+(?:do|can|should|would|could|to)\s+(?:i|we|you)?\b|"
                      r"\b(?:can|could|do|"
                      r"should|will|would|may|am)\s+(?:i|we)\s+(?:still\s+|also\s+|able\s+to\s+)?[^?.!]*\?|"
                      r"(?<!knows\s)\bhow\s+(?:to|do\s+i|can\s+i|does\s+one)\b|\b(?:is|are)\s+(?:it|there)\s+(?:possible|a\s+way|any\s+way)\b|"
                      r"^\W*(?:any\s+(?:way|ideas?|help|update|news)|what\s+can\s+be\s+done)\b", 0.7,
       gate=('how', 'where', 'what', '?', 'possible', 'way', 'any')),
    _r("looking_for", N, r"\b(?:looking|searching|hunting)\s+for\b|\bstruggl(?:e|ed|ing)\s+to\s+find\b", 0.7),
    _r("missing", N, r"\b(?:is|are|was|were|thing)\s+missing\b|\bmissing\s+(?:is|was)\b", 0.6),
    _r("lacks", N, r"\black(?:s|ed|ing)?\b", 0.55),
    _r("have_to", N, r"\b(?:have|has|had)\s+to\s+(?:wear|add|layer|buy|get|pin|tailor|hem)\b|\bwould\s+be\s+"
                     r"necessary\b", 0.6),
    # -- pain point: a failure, defect, broken promise or complaint
    _r("broke", P, r"\b(?:broke|broken|breaks|ripped|rips|tore|torn|fell\s+apart|falling\s+apart|came\s+apart|"
                   r"unravel(?:l)?(?:ed|ing|s)|fray(?:ed|ing|s)|came\s+undone|came\s+off|fell\s+off|"
                   r"defective|faulty|damaged|flawed|snag(?:ged|s)?(?!\s+(?:this|it|one|a|the)\b)|holes?\s+in|"
                   r"crash(?:es|ed|ing)?|freez(?:es|ing)|froze|glitch(?:es|y)?|corrupt(?:ed)?|bug(?:s|gy)?|"
                   r"hijacked|hacked|stolen|error(?:s)?(?:\s+code)?)\b", 0.85),
    _r("not_working", P, rf"\b{_AUX_NEG}\s+(?:\w+\s+)?(?:even\s+)?{_FAIL_VERB}\b|"
                         r"(?:\bnot|n't|\bstopped|\bstop|\bno\s+longer)\s+"
                         r"(?:\w+\s+)?(?:working|loading|responding|connecting|charging|able\s+to)\b|"
                         r"(?:\bnot|n't)\s+(?:been\s+)?(?:delivered|received|arrived|refunded|fixed|resolved|shipped|"
                         r"tracked|processed|credited|here|enough|happy|good|ok|okay|right|acceptable)\b",
       0.8, negatable=False),
    _r("cant_find", P, r"\b(?:ca\s*n[o']?t|cannot|can\s+not|could\s*n[o']?t|unable\s+to)\s+(?:\w+\s+)?find\b", 0.7,
       negatable=False),
    _r("not_received", P, rf"\b(?:has|have|had|did)\s*{_NT}\s+(?:\w+\s+)?(?:received|arrived|come|shipped|heard|"
                          r"got(?:ten)?|get|been\s+(?:delivered|refunded|fixed|resolved|contacted))\b|\bnever\s+"
                          r"(?:received|arrived|came|got|showed)\b|\bstill\s+(?:no|not|nothing|waiting|haven'?t|"
                          r"hasn'?t|having|happening|broken|down|crashes|getting|can'?t|unable|on\s+hold)\b",
       0.85, negatable=False),
    _r("no_service", P, r"\bno\s+(?:one|response|reply|answer|help|service|signal|internet|resolution|updates?|"
                        r"information|info|communication|sign|way|real|refund|power|screens?|room|solution)\b|"
                        r"\bzero\s+(?:service|signal|help|response|communication|bars|internet|updates?|stars)\b|"
                        r"\b(?:nobody|no\s+one)\s+(?:\w+\s+)?(?:seems|is|was|will|has|knows|cares|"
                        r"answers|responds|helps|bothered)\b|"
                        r"\bnothing\s+(?:works|worked|loads|happens|happened|like|has\s+(?:been|changed|happened)|since|yet)\b|"
                        r"\bit'?s\s+been\s+(?:\w+\s+)?(?:\d+|a\s+few|several|two|three|four|five|over|almost|"
                        r"more\s+than)\s*\+?\s*(?:hours?|days?|weeks?|months?)\b|\b(?:is|are|was|were|been)\s+"
                        r"(?:\w+\s+)?down\b(?!\s+to)|\bkeeps?\s+(?:on\s+)?(?:getting|losing|dropping|"
                        r"crashing|freezing|asking|telling|saying|failing|breaking|cutting|disconnecting|sending|"
                        r"charging|buffering|spinning|logging|kicking|declining|rejecting|happening|popping|"
                        r"showing)\b|\b(?:it|this|that|app|site|phone)\s+keeps\s+\w+ing\b", 0.75, negatable=False),
    _r("wrong", P, r"\b(?:incorrect|inaccurate|wrong)\b", 0.7),
    _r("waiting", P, r"\bwaiting\s+(?:for|on|since)\b|"
                     r"\b(?:waiting|waited|wait)\s+(?:over|more\s+than|almost|nearly|\d|hours|days|"
                     r"weeks|ages|forever)\b|\bon\s+hold\b|\blate\b(?!\s+(?:summer|spring|fall|autumn|winter|night|evening|"
                     r"afternoon|morning|season|\d))|\b(?:delayed|delays|overdue|stranded|stuck|"
                     r"cancel(?:l)?ed\s+(?:my|our|the|your)|lost\s+(?:my|our|the)|missed\s+(?:my|our|the))\b", 0.75),
    _r("too", P, rf"\b(?:too|way\s+to)\s+{_ADV}(?!{_NOT_TOO}\b)[a-z]{{3,}}\b", 0.75),
    _r("doesnt_fit", P, r"\b(?:did|do|does|would|could)\s*n[o']?t\s+(?:\w+\s+)?(?:fit|flatter(?:ing)?|work\s+for|"
                        r"suit)\b|\b(?:did|do|does)\s*n[o']?t\s+(?:really\s+)?like\s+(?:it|the|how)\b|"
                        r"\bdid\s+nothing\s+for\b", 0.7, negatable=False),
    _r("wear_damage", P, r"\b(?:pill(?:ed|ing)|pills\s+(?:after|easily)|fad(?:ed|es|ing)|shr[aiu]nk|shrinks?|"
                         r"stretched\s+out|bagged\s+out|lost\s+(?:its|it's|their)\s+shape|lost\s+(?:\w+\s+)?colou?r|"
                         r"stain(?:ed|s)?|wrinkles?\s+(?:easily|terribly|badly)|wrinkled|wrinkly|bleeds?|bled|"
                         r"scratch(?:ed|es)|dent(?:ed|s)|leak(?:s|ed|ing)|smell(?:s|ed|y)?|stinks?)\b", 0.8),
    _r("cheap", P, r"\bcheap(?:ly)?\s+(?:made|built|constructed|sewn)\b|\b(?:feels?|felt|looks?|looked|seems?|"
                   r"seemed)\s+(?:\w+\s+)?cheap\b|\bcheap[- ](?:looking|feeling)\b|\bcheap\s+(?:\w+\s+)?(?:material|"
                   r"fabric|plastic|quality|feel)\b|\bpoor(?:ly)?\s+(?:quality|made|constructed|sewn|built|"
                   r"designed|service|customer)\b|\blow\s+quality\b|\bquality\s+(?:is|was)\s+(?:\w+\s+)?(?:poor|bad|"
                   r"lacking|disappointing|not|terrible|awful|cheap)\b", 0.8),
    _r("returned", P, r"\b(?:returned|returning)\b(?!\s+(?:flights?|trips?|journey|customers?|home|tickets?|"
                      r"equipment))|\breturn\s+(?:it|them|this|these|both)\b|\bsen[dt](?:ing)?\s+(?:it|them|this|"
                      r"these|both)\s+back\b|\b(?:it'?s|is|are|they'?re|will\s+be)\s+going\s+back\b", 0.7),
    _r("disappointed", P, r"\b(?:disappoint(?:ed|ing|ment)|let\s*down|unfortunately|sadly|wanted\s+to\s+(?:love|like)|"
                          r"not\s+as\s+(?:pictured|described|advertised|shown)|nothing\s+like|not\s+what\s+i\s+"
                          r"expected|huge\s+miss|bummer|complain(?:t|ts|ing|ed)?|downfall|downside|drawback|flaw|"
                          r"only\s+(?:issue|problem|con|complaint|regret)|regret|was\s+(?:really\s+)?hoping|"
                          r"not\s+(?:very\s+)?well\s+made|not\s+made\s+(?:very\s+)?well|not\s+worth|"
                          r"losing\s+faith|fed\s+up|sick\s+of|tired\s+of|lost\s+cause|means?\s+nothing|"
                          r"except\s+(?:for\s+)?(?:the|that|it|its|my)|sold\s+out|out\s+of\s+stock|unavailable|"
                          r"discontinued|(?:hard|difficult|impossible)\s+to\s+(?:even\s+)?(?:use|move|find|read|get|"
                          r"reach|open|close|put\s+on|take\s+off|clean|navigate|understand|contact|cancel)|"
                          r"more\s+difficult|harder\s+to|"
                          r"(?:does|did)\s*n't\s+look\s+(?:anything\s+)?like\s+(?:the|what)|"
                          r"switch(?:ing)?\s+to\s+(?:another|a\s+different)|"
                          r"what\s+other\s+(?:companies|providers|airlines|carriers)\s+offer|thanks\s+(?:\w+\s+)"
                          r"{0,3}for\s+(?:taking|nothing|leaving|ignoring|wasting|ruining|losing|sending\s+me\s+"
                          r"(?:a|an)\s+\w+\s+that))\b", 0.7),
    _r("bad_service", P, r"\b(?:worst|terrible|horrible|awful|pathetic|ridiculous|unacceptable|useless|"
                         r"disgust(?:ed|ing)|appalling|shocking|lame|sucks?|rubbish|garbage|joke|despicable|"
                         r"frustrat(?:ed|ing|ion)|"
                         r"annoy(?:ed|ing)|angry|furious|pissed|upset|fail(?:ed|ure|s)?|wtf|smh|scam(?:med)?|"
                         r"overcharged|overpriced|ripped\s+off|rip\s*off|misleading|mislabell?ed|"
                         r"what\s+(?:the\s+(?:heck|hell|fuck|f)|is|'s)\s+going\s+on|unflattering|uncomfortable|"
                         r"itchy|scratchy|see[- ]?through|awkward(?:ly)?|frumpy|shapeless|unwearable|"
                         r"ill[- ]fitting|gap(?:es|ed|ing)|bunch(?:es|ed|ing)|weird(?:ly)?|odd(?:ly)?)\b", 0.7),
    _r("problem", P, r"\b(?:issues?|problems?|trouble)\s+(?:with|since|again|persists?|still)\b|\b(?:having|have|had|"
                     r"got|get|experiencing)\s+(?:\w+\s+)?(?:issues?|problems?|trouble)\b", 0.7),
    _r("why_question", P, r"^\W*(?:@\w+\b\W*)*(?:\w+\W+){0,3}?why\b.*(?:\?|n't|\bnot\b|\banymore\b)", 0.65),
    _r("charged", P, r"\b(?:charg(?:ed|ing)|bill(?:ed|ing)|debited)\s+(?:me\s+)?(?:twice|double|again|extra|more|"
                     r"higher|for\s+something)\b|\bwhy\s+charge\b", 0.7),
)  # fmt: skip

# suggestion and wish first, then need, then pain point (see the module docstring for why)
PRIORITY: tuple[NeedKind, ...] = (S, W, N, P)

# a direct question to the company that is not a complaint: "are they direct flights?", "can I pay by card?"
_QUESTION = re.compile(
    r"^\W*(?:(?:@\w+|hi|hey|hello|dear|so|ok|okay|and|but|also|please|pls)\W+)*"
    r"(?:is|are|was|were|do|does|did|can|could|will|would|should|shall|may|have|has|how|where|when|what|which|who)"
    r"\b[^?]*\?"
)
_POSITIVE_Q = re.compile(r"\b(?:love|great|awesome|amazing|best|better|more|perfect|cute|beautiful|ask\s+for)\b")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NEGATORS = _words(
    "not no never nothing without hardly barely nor neither zero dont didnt doesnt isnt wasnt arent werent "
    "wont cant couldnt wouldnt hasnt havent hadnt"
)
_WORRY = _words(
    "worried worry concern afraid feared fear concerned nervous thought expected assumed hesitant scared unsure "
    "wondered reviews reviewers if"
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
        if rule.gate and not any(g in low for g in rule.gate):
            continue
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
    return sentence.lower().replace("’", "'").replace("‘", "'").replace("&amp;", "&")


@lru_cache(maxsize=1)
def _vader() -> Any:  # vaderSentiment's SentimentIntensityAnalyzer, built once (it reads its lexicon)
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _can_be_negative() -> frozenset[str]:
    """Tokens without which VADER cannot score a text negative: negative lexicon entries and its negators."""
    from vaderSentiment.vaderSentiment import NEGATE

    return frozenset([*(w for w, v in _vader().lexicon.items() if v < 0), *NEGATE])


_CLAUSE_SPLIT = re.compile(r"[,;:]|\bbut\b")


def negative_clause(sentence: str) -> float:
    """The most negative VADER compound over the sentence and its clauses (a "but" can hide a complaint).

    >>> negative_clause("Lovely colour, but the battery life is terrible.") < -0.4
    True
    >>> negative_clause("Cheap and works great.")  # no word VADER could score negative: not scored at all
    0.0
    """
    clauses = [p for p in _CLAUSE_SPLIT.split(sentence) if len(p.split()) >= 2]
    parts = [sentence, *clauses] if len(clauses) > 1 else [sentence]
    # VADER is slow: score only the parts holding a word it could score negative (the others cannot be < 0)
    return min((_vader().polarity_scores(p)["compound"] for p in parts if _could_be_negative(p)), default=0.0)


def _could_be_negative(text: str) -> bool:
    gate = _can_be_negative()
    words = text.lower().replace("’", "'").split()
    return any("n't" in w or w in gate or w.strip(string.punctuation) in gate for w in words)


def classify_sentence(sentence: str) -> tuple[NeedKind, float, str, int] | None:
    """(kind, score, cue, cue end offset) for one sentence, or None when it states no need.

    >>> classify_sentence("Runs small, size up.")[:3]
    (<NeedKind.SUGGESTION: 'suggestion'>, 0.9775, 'size_up')
    >>> classify_sentence("I don't wish it were different.") is None
    True
    >>> classify_sentence("Are they direct flights?")[:3]
    (<NeedKind.NEED: 'need'>, 0.6, 'question')
    """
    low = _normalise(sentence)
    fired = _fired(low)
    if not fired:
        q = _QUESTION.match(low)
        if q and not _POSITIVE_Q.search(low):
            return N, 0.6, "question", q.end()
        if negative_clause(sentence) <= NEGATIVE_EVALUATION:
            return P, 0.5, "negative_evaluation", 0
        return None
    kinds = {r.kind for r, _ in fired}
    best_kind = next(k for k in PRIORITY if k in kinds)
    if S in kinds and W in kinds:  # wish and suggestion share the top rank: the stronger one wins
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
