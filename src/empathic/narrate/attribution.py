"""Words put in a named customer's mouth: quoted spans in every quote style, and attributions without quotes.

A model that cannot retype a quote (the narrator fills placeholders itself) can still make one up in
straight single quotes (``'it cured my back pain'``) or another style, or report a claim in indirect
speech (``Sarah says the jacket cured her back pain``, ``As Maria put it, …``, ``according to John, …``,
``Jo from Leeds loves …``). :func:`quotations` finds the first, :func:`attributions` the second, in
English, French, Spanish and German; :func:`~empathic.narrate.guards.check_output` then proves each
attributed or quoted span verbatim in a consented source.

>>> [q.text for q in quotations("Don't miss it: 'this jacket cured my back pain' — our customers' words.")]
['this jacket cured my back pain']
>>> [(a.name, a.content) for a in attributions("Sarah from Leeds says the jacket cured her back pain.")]
[('Sarah', 'the jacket cured her back pain')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from empathic.models.text import sentence_spans

QUOTE_MIN_WORDS = 3  # a span in straight single quotes or ‹› counts as a quote from this many words


@dataclass(frozen=True)
class Quotation:
    """A span between quotation marks: the marks as written and the text inside."""

    open: str
    text: str
    close: str


# (open, close, pattern of the inside, minimum words): double quotes of any style count from one word; single
# quotes double as apostrophes, so those count from QUOTE_MIN_WORDS words and have their own scanner below
_PAIRED = (
    ('"', '"', re.compile(r'"([^"\n]{1,600})"'), 1),
    ("“", "”", re.compile(r"“([^”\n]{1,600})”"), 1),
    ("„", "“", re.compile(r"„([^“”\n]{1,600})[“”]"), 1),
    ("«", "»", re.compile(r"«\s?([^»\n]{1,600}?)\s?»"), 1),
    ("‹", "›", re.compile(r"‹\s?([^›\n]{1,600}?)\s?›"), QUOTE_MIN_WORDS),
    ("「", "」", re.compile(r"「([^」\n]{1,600})」"), 1),
    ("『", "』", re.compile(r"『([^』\n]{1,600})』"), 1),
    ("‘", "’", re.compile(r"(?:^|(?<=[\s(\[—–:-]))‘(.{2,600}?)’(?=[\s.,;:!?)\]—–-]|$)", re.MULTILINE), 1),
)
_OPENS_AFTER = ' \t([{—–-:/"“„«'
_ELISION = re.compile(r"'(?:(?:em|cause|til|tis|twas|\d0s|\d\d)\b|n')", re.IGNORECASE)
_WORDS = re.compile(r"\w+(?:['’]\w+)*")


def _single_quotes(line: str) -> Iterable[tuple[int, int]]:
    """``(start, end)`` of spans in straight single quotes on one line, apostrophes left out: an opening
    mark follows a space or an opening bracket and precedes a letter; a closing mark follows a non-space
    and precedes a non-letter, so ``don't``, ``it's`` and ``'90s`` never open or close anything."""
    opens = [
        i
        for i, c in enumerate(line)
        if c == "'"
        and (i == 0 or line[i - 1] in _OPENS_AFTER)
        and i + 1 < len(line)
        and line[i + 1].isalnum()
        and not _ELISION.match(line, i)
    ]
    closes = [
        j
        for j, c in enumerate(line)
        if c == "'" and j > 0 and not line[j - 1].isspace() and (j + 1 == len(line) or not line[j + 1].isalnum())
    ]
    end = -1
    for i in opens:
        if i < end:
            continue
        after = [j for j in closes if j > i + 1]
        if not after:
            continue
        # "customers' own words": a plural possessive is no closing mark while a later one exists
        plain = [j for j in after if not (line[j - 1] in "sS" and re.match(r"'\s+[a-z]", line[j:]))]
        end = (plain or after)[0]
        yield i + 1, end
        end += 1


def quotations(text: str) -> list[Quotation]:
    """Every quoted span of ``text``: straight and curly double quotes, „“, «», ‹›, 「」, 『』, curly single
    quotes, and straight single quotes around at least ``QUOTE_MIN_WORDS`` words (not apostrophes).

    >>> [q.text for q in quotations('A "one", B “two”, C «three», D ‘four’, E ‹five six seven›, F 「七」.')]
    ['one', 'two', 'three', 'five six seven', '七', 'four']
    """
    found: list[Quotation] = []
    for open_, close, rule, min_words in _PAIRED:
        for m in rule.finditer(text):
            if m.group(1).strip() and len(_WORDS.findall(m.group(1))) >= min_words:
                found.append(Quotation(open_, m.group(1), close))
    for line in text.splitlines():
        for a, b in _single_quotes(line):
            if len(_WORDS.findall(line[a:b])) >= QUOTE_MIN_WORDS:
                found.append(Quotation("'", line[a:b], "'"))
    return found


# -- attributions without quotation marks --------------------------------------------------------------------------


@dataclass(frozen=True)
class Attribution:
    """``name`` is said to have said (or to love, think, find...) ``content``; ``quoted`` when ``content``
    holds quotation marks (the quote check covers it); ``sentence`` is where it was found."""

    name: str
    content: str
    sentence: str
    quoted: bool = False


# Jo, Martin F., Anne-Marie, Reviewer 13
_NAME = r"([A-ZÀ-Ý][a-zà-ÿ]+(?:[-'’][A-Za-zà-ÿ]+)?(?:\s+[A-ZÀ-Ý](?:[a-zà-ÿ]+|\.)|\s+\d{1,4}(?!\S*\d))?)"
_FROM = (
    r"(?:\s+(?:from|in|of|de|du|aus|von)\s+[A-ZÀ-Ý][\w-]+(?:\s+[A-ZÀ-Ý][\w-]+)?"
    r"|,\s+(?:a|an|our|one|une?|ein|eine)\s[^,\n]{1,40},)?"
)
_VERBS = (
    r"says|said|tells us|told us|tells|told|writes|wrote|explains|explained|claims|claimed|reports|reported|swears by|"
    r"swears|swore|adds|added|recalls|recalled|shares|shared|notes|noted|insists|insisted|raves|raved|admits|"
    r"admitted|confirms|confirmed|mentions|mentioned|agrees|agreed|thinks|thought|believes|believed|loves|loved|"
    r"adores|adored|likes|liked|hates|hated|recommends|recommended|calls it|called it|puts it|put it|promises|promised|"
    r"dit|a dit|affirme|raconte|explique|écrit|assure|trouve|adore|pense|dice|dijo|afirma|cuenta|explica|escribe|"
    r"asegura|cree|sagt|sagte|meint|schreibt|erzählt|berichtet|findet|liebt"
)
_SAYS = r"says|said|writes|wrote|explains|adds|insists|reports|dit|dice|sagt"
_LEADS = re.compile(
    rf"(?<!\w)(?:(?i:as|like)\s+{_NAME}\s+(?i:puts it|put it|says|said|writes|wrote|tells us|told us|likes to say)"
    rf"|(?i:according to)\s+{_NAME}|(?i:in)\s+{_NAME}['’]s(?:\s+own)?\s+(?i:words)|(?i:selon|d['’]après)\s+{_NAME}"
    rf"|(?i:comme\s+(?:le\s+dit|dit|l['’]écrit))\s+{_NAME}|(?i:según|como\s+dice|como\s+dijo)\s+{_NAME}"
    rf"|(?i:laut)\s+{_NAME}|(?i:wie)\s+{_NAME}\s+(?i:sagt|schreibt|meint))\s*[,:]?\s*"
)
_SUBJECT = re.compile(rf"(?<![\w-]){_NAME}{_FROM}\s+(?i:{_VERBS})\b\s*[,:]?\s*(?:(?i:that|que|qu['’]|dass)\s*)?")
_TRAILING = re.compile(rf"(?:,|\s[—–])\s*(?:(?i:{_SAYS})\s+{_NAME}|{_NAME}\s+(?i:{_SAYS}))(?=[.!?]*(?:\s|$))")
_DASHED = re.compile(rf"\s[—–]\s*{_NAME}\s*[.!?]*$")  # a sentence ending "… — Name": the sign-off form
_SPEAKER = re.compile(rf"^\s*(?:[A-Z][A-Z-]*\s*)?\(\s*{_NAME}\s*\)\s*:\s*")  # "VOICE-OVER (Name): …"
_NOT_NAME_TEXT = """i he she they we you it one everyone everybody someone somebody nobody anyone people customers
    customer reviewers reviewer shoppers shopper buyers buyer users user fans critics experts science research studies
    our the this that these those who what which each every many most some several others another my your his her their
    mum mom dad family friends everything nothing here there today now then so and but also even still just
    as like according in when if because since while after before why how where only yes no well ask see meet
    spring summer autumn fall winter january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday
    il elle ils elles on nous vous tout tous chacun ella ellos nosotros usted todos er sie es wir jeder man alle
    la le les el los las die der das ein eine une un una
    man woman men women guy guys girl girls boy boys kid kids mother mothers father fathers parents moms mums dads
    doctor doctors nurse nurses scientist scientists expert teacher teachers president stylist stylists hikers runners
    cyclists commuters travellers travelers athletes reviews data survey tests nature life rain weather never ever
    or nor yet something anything need please let maybe perhaps below above apparently frankly honestly"""
_NOT_NAMES = frozenset(_NOT_NAME_TEXT.split())
# a capitalised word after these is no subject: "the Ridgeline says", "in Leeds found"
_DETERMINERS = re.compile(r"\b(?:the|a|an|our|your|this|that|my|in|on|at|of|for|with|from|to|by|about|into|le|la|les|"
                          r"un|une|el|los|die|der|das|ein|eine)\s+$", re.IGNORECASE)  # fmt: skip
_TITLE_WORDS = re.compile(r"[^\W\d_][\w'’-]{3,}")
_QUOTE_MARKS = re.compile(r"[\"“”„«»‹›「」『』‘’]|(?:^|\s)'\w")


def _name(m: re.Match[str]) -> tuple[str, int]:
    """The name a match captured and where it starts (each rule has one capturing group per alternative)."""
    i = next(i for i, g in enumerate(m.groups(), start=1) if g)
    return m.group(i), m.start(i)


def _title_case(line: str) -> bool:
    """A headline in Title Case, where a capital letter says nothing about a name."""
    words = _TITLE_WORDS.findall(line)
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.9 * len(words)


def _is_name(name: str, before: str, exclude: set[str], known: set[str], title: bool = False) -> bool:
    first = name.split()[0].lower()
    if first in known:  # a customer's own name, even one like "Reviewer 13"
        return True
    if title:
        return False
    return first not in _NOT_NAMES and first not in exclude and not _DETERMINERS.search(before)


def _clean(content: str) -> str:
    return content.strip().strip(",;:—–- ").rstrip(".!?…").strip()


def attributions(text: str, *, exclude: Iterable[str] = (), known: Iterable[str] = ()) -> list[Attribution]:
    """Every claim ``text`` attributes to a named person, with or without quotation marks. ``exclude`` are
    names that are not customers (product, brand, audience): ``Ridgeline says no to rain`` is brand copy;
    ``known`` are the customers' names (always names, even ``Reviewer 13``); in a Title Case line, where
    capitals say nothing, only they count.

    >>> [a.content for a in attributions("As Maria put it, dry all day. Bone dry, says Martin F.")]
    ['dry all day', 'Bone dry']
    >>> attributions("Ridgeline says goodbye to rain. The hood says it all.", exclude=["Ridgeline"])
    []
    """
    skip = {w.lower() for e in exclude for w in _WORDS.findall(e or "")}
    names = {n.split()[0].lower() for n in known if n and n.split()}
    found: list[Attribution] = []
    for line in text.splitlines():
        title = _title_case(line)
        for a, b in sentence_spans(line):
            sentence = line[a:b]
            hits: list[tuple[str, str]] = []
            for rule in (_LEADS, _SUBJECT, _SPEAKER):
                for m in rule.finditer(sentence):
                    name, at = _name(m)
                    words = name.split()
                    if len(words) == 2 and words[0].lower() in _NOT_NAMES - names:  # "As Maria": the name is Maria
                        if not words[1][:1].isupper():
                            continue
                        name, at = words[1], at + name.index(words[1], len(words[0]))
                    if _is_name(name, sentence[:at] if rule is _SUBJECT else "", skip, names, title):
                        hits.append((name, sentence[m.end() :]))
            for rule in (_TRAILING, _DASHED):
                for m in rule.finditer(sentence):
                    name, _ = _name(m)
                    if _is_name(name, "", skip, names, title):
                        hits.append((name, sentence[: m.start()]))
            for name, content in dict.fromkeys((n, _clean(c)) for n, c in hits):
                if content:
                    quoted = bool(_QUOTE_MARKS.search(content))
                    found.append(Attribution(name.strip(), content, sentence, quoted))
    return list(dict.fromkeys(found))


__all__ = ["QUOTE_MIN_WORDS", "Attribution", "Quotation", "attributions", "quotations"]
