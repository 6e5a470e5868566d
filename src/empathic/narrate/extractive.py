"""The ``extractive`` backend: no language model. It reads the brief from the prompt's data block and
fills a template per format with quote placeholders, so every customer word it uses is verbatim.

It is the offline default: fast, deterministic, and it cannot be talked into anything, because it
never interprets customer text.

>>> from empathic.narrate.prompts import Brief, BriefQuote, build_messages
>>> from empathic.types import NarrativeFormat
>>> brief = Brief(NarrativeFormat.SOCIAL, (BriefQuote("Q1", "Bone dry.", "Martin F."),), product="Ridgeline")
>>> print(ExtractiveLLM().complete(build_messages(brief)))
{{Q1}} — Martin F.
<BLANKLINE>
Ridgeline, in our customers' own words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from empathic.config import NarrateSettings
from empathic.narrate.prompts import Brief, parse_brief
from empathic.safety import scan
from empathic.types import NarrativeFormat

TONE = {
    "joy": "Moments that make the day",
    "gratitude": "Thank you for the stories",
    "admiration": "Made well, worn hard",
    "excitement": "Out there, loving it",
    "relief": "One less thing to worry about",
    "love": "The one they reach for",
    "optimism": "Ready for whatever comes",
    "pride": "Proud to be part of it",
    "caring": "Looking after what matters",
}


def _safe(value: str, default: str) -> str:
    """Author names and labels are customer data: used only when they read like plain words the detector passes."""
    value = " ".join(value.split())
    if not value or len(value) > 60 or scan(value).flagged or any(c in value for c in '{}<>[]"“”'):
        return default
    return value


class ExtractiveLLM:
    """Templates and verbatim quotes; implements the :class:`~empathic.narrate.base.LLM` protocol."""

    name = "extractive"
    external = False

    @classmethod
    def from_settings(cls, settings: NarrateSettings) -> ExtractiveLLM:
        return cls()

    def complete(
        self, messages: Sequence[Mapping[str, str]], *, max_tokens: int = 160, temperature: float = 0.7, seed: int = 0
    ) -> str:
        brief = parse_brief(messages)
        text = compose(brief)
        words = text.split(" ")
        return text if len(words) <= max_tokens else " ".join(words[:max_tokens])


def compose(brief: Brief) -> str:
    """The narrative for ``brief`` with ``{{Qn}}`` placeholders where the quotes go."""
    product = _safe(brief.product, "")
    thing = product or "our range"
    tone = TONE.get(brief.emotion, "In our customers' own words")
    quoted = [(f"{{{{{q.id}}}}}", _safe(q.author, "a customer")) for q in brief.quotes]
    if not quoted:
        return f"{tone}. {thing}."
    (q1, a1), rest = quoted[0], quoted[1:]
    q2, a2 = rest[0] if rest else (None, None)
    fmt = brief.format
    if fmt is NarrativeFormat.AD:
        return f"{tone}: {thing}.\n{q1} — {a1}\nSee the {thing} for yourself."
    if fmt is NarrativeFormat.SOCIAL:
        return f"{q1} — {a1}\n\n{thing}, in our customers' own words."
    if fmt is NarrativeFormat.EMAIL:
        body = [
            f"Subject: {tone}: {thing}",
            "",
            "Hello,",
            "",
            f"We asked people like you what the {thing} is like in real life. Here is what they told us.",
            "",
            f"{q1} — {a1}",
        ]
        for q, a in rest[:2]:
            body += ["", f"{q} — {a}"]
        body += ["", f"See the {thing} and decide for yourself.", "", "The team"]
        return "\n".join(body)
    if fmt is NarrativeFormat.LANDING:
        lines = [f"# {tone}", f"## The {thing}, as our customers tell it", "", "### What customers say"]
        lines += [f"> {q} — {a}" for q, a in quoted[:3]]
        lines += ["", f"See the {thing}."]
        return "\n".join(lines)
    if fmt is NarrativeFormat.VIDEO_SCRIPT:
        lines = [f"[OPENING SCENE] Everyday life, the {thing} in use.", f"VOICE-OVER ({a1}): {q1}"]
        if q2:
            lines += [f"[NEXT SCENE] A different day, the same {thing}.", f"VOICE-OVER ({a2}): {q2}"]
        lines += [f"[END CARD] {thing}. {tone}."]
        return "\n".join(lines)
    # scene-script: a first-person scene; the customer's own first-person words carry it
    lines = [
        "[FIRST-PERSON SCENE · video or VR/AR · about half a minute]",
        f"[POV: you see through the eyes of {a1}, wearing the {thing}.]",
        f"ME: {q1}",
    ]
    if q2:
        lines += ["[The scene changes: another day, another customer.]", f"ME ({a2}): {q2}"]
    lines += [f"[The view settles on the {thing}. On screen: {tone}.]"]
    return "\n".join(lines)
