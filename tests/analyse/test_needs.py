"""Needs detector: golden sentences per kind in two domains, negation, data-derived backlog aspects, and accuracy
on the labelled clothing and customer-support test sets (tests/fixtures/README.md)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from empathic.analyse.needs import build_backlog, detect_needs, evaluate, idea_for, mine_aspects
from empathic.types import NeedKind, NeedSentence

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "needs_sentences.tsv"


def _bench():  # bench/needs.py resolves the twcs fixture's text from the shared data (it is not in the repo)
    spec = importlib.util.spec_from_file_location("bench_needs", ROOT / "bench" / "needs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("I wish it had pockets.", NeedKind.WISH),
        ("Would love it if it came in navy.", NeedKind.WISH),
        ("Runs small, size up.", NeedKind.SUGGESTION),
        ("Please make a petite version!", NeedKind.SUGGESTION),
        ("The zip broke after two weeks.", NeedKind.PAIN_POINT),
        ("It pilled after one wash.", NeedKind.PAIN_POINT),
        ("Way too short for me.", NeedKind.PAIN_POINT),
        ("I need a longer length.", NeedKind.NEED),
        # customer service and other products: the cues are about asking and complaining, not about clothes
        ("My order still hasn't arrived.", NeedKind.PAIN_POINT),
        ("The app keeps crashing since the update.", NeedKind.PAIN_POINT),
        ("I can't log into my account.", NeedKind.PAIN_POINT),
        ("Worst customer service ever.", NeedKind.PAIN_POINT),
        ("The battery life is way too short.", NeedKind.PAIN_POINT),
        ("Can you refund me?", NeedKind.NEED),
        ("Please help, I was charged twice.", NeedKind.NEED),
        ("How do I change my flight?", NeedKind.NEED),
        ("I'd rather have a physical screen.", NeedKind.WISH),
        ("You should add a dark mode.", NeedKind.SUGGESTION),
    ],
)
def test_golden_sentences(sentence: str, kind: NeedKind) -> None:
    (need,) = detect_needs(7, sentence)
    assert need.kind is kind
    assert need.doc_id == 7 and need.sentence == sentence
    assert 0.0 < need.score <= 1.0 and need.cue


@pytest.mark.parametrize(
    "sentence",
    [
        "Love this dress, it fits perfectly and the colour is gorgeous.",
        "Great quality, I highly recommend it.",
        "Thanks for the quick reply!",
        "I placed an order on Friday.",
        "I updated to iOS 11.1 and it works now.",
    ],
)
def test_praise_and_plain_facts_are_not_needs(sentence: str) -> None:
    assert detect_needs(1, sentence) == []


@pytest.mark.parametrize("sentence", ["Cheap and works great.", "Fast card, cheap price, no complaints."])
def test_cheap_praising_a_price_is_not_a_pain_point(sentence: str) -> None:
    """The issue's memory-card reviews: "cheap" alone is praise of the price, not a complaint."""
    assert detect_needs(1, sentence) == []


@pytest.mark.parametrize("sentence", ["It feels cheap and flimsy.", "Cheaply made, the case cracked.", "Poor quality."])
def test_cheap_quality_is_still_a_pain_point(sentence: str) -> None:
    (need,) = detect_needs(1, sentence)
    assert need.kind is NeedKind.PAIN_POINT


@pytest.mark.parametrize(
    "sentence",
    ["I don't wish it were different.", "No pilling at all.", "It is not too short.", "Never faded.", "No problems."],
)
def test_negated_cues_do_not_fire(sentence: str) -> None:
    assert all(n.kind is not NeedKind.WISH for n in detect_needs(1, sentence))
    assert detect_needs(1, sentence) == []


def test_priority_remedy_beats_complaint() -> None:
    (need,) = detect_needs(1, "The zip broke, please use a metal one.")
    assert need.kind is NeedKind.SUGGESTION


def test_one_result_per_need_sentence_in_text_order() -> None:
    needs = detect_needs(3, "Gorgeous print. Runs large. I wish it had sleeves. The seams ripped.")
    assert [n.kind for n in needs] == [NeedKind.SUGGESTION, NeedKind.WISH, NeedKind.PAIN_POINT]


def test_idea_keys_name_the_thing_in_the_sentence() -> None:
    def key(text: str) -> str:
        (need,) = detect_needs(1, text)
        return idea_for(need)

    assert key("I wish it had pockets.") == "pockets"
    assert key("The zipper broke.") == "zipper"
    assert key("Please make a petite version.") == "petite version"
    assert key("Lame.") == "other (pain point)"


# an electronics product and a support channel, written for this test: no clothing word in them
MEMORY_CARD = [
    "The write speed is way too slow for 4K video.",
    "Write speed dropped to 10 MB/s, so disappointed.",
    "Terrible write speed on my camera.",
    "The card stopped working after a month.",
    "The card died after two weeks, corrupted all my photos.",
    "Please add a lifetime warranty.",
    "Cheap and works great.",
    "Fits my camera and the price was cheap.",
]
SUPPORT = [
    "Still waiting for my refund.",
    "Can you refund me for the cancelled order?",
    "I want a refund now.",
    "My delivery hasn't arrived.",
    "The delivery is three days late.",
    "Why is the delivery so late?",
    "Thanks for the help!",
]


def test_backlog_aspects_come_from_the_data_in_any_domain() -> None:
    texts = MEMORY_CARD + SUPPORT + ["The card is fast.", "The card fits my camera.", "My order was fine."]
    needs = [n for i, text in enumerate(MEMORY_CARD + SUPPORT) for n in detect_needs(i, text)]
    assert len(needs) == 12, "every complaint and request above is detected, the praise is not"
    ideas = {i.idea: i for i in build_backlog(needs, {}, background=texts)}
    assert ideas["write speed"].evidence == 3 and ideas["write speed"].kind is NeedKind.PAIN_POINT
    assert ideas["refund"].evidence == 3 and ideas["refund"].kind is NeedKind.NEED
    assert ideas["delivery"].evidence == 3
    assert ideas["card"].evidence == 2 and ideas["lifetime warranty"].evidence == 1
    assert not {"size guidance", "fit", "fabric quality"} & {k for idea in ideas for k in (idea, idea.split(":")[0])}
    assert all(not i.idea.startswith("fit ") and "size" not in i.idea for i in ideas.values())


def test_mined_aspects_are_deterministic_and_skip_adjectives() -> None:
    sentences = ["Battery is too small.", "The battery died.", "The screen is too dim."]
    background = ["The screen is bright.", "The battery is small.", "A small screen.", "The screen is small."]
    first = mine_aspects(sentences, background)
    assert first == mine_aspects(sentences, background) == ["battery", "battery", "screen"]


def test_backlog_groups_two_pocket_wishes() -> None:
    needs = [
        *detect_needs(1, "I wish it had pockets."),
        *detect_needs(2, "Would love it if there were pockets."),
        *detect_needs(3, "The zip broke after a week."),
    ]
    docs = {
        1: ("Maxi dress", 3.0, {"joy": 0.2, "sadness": 0.4}),
        2: ("Maxi dress", 2.0, {"joy": 0.4, "sadness": 0.2}),
        3: ("Jacket", 1.0, {"anger": 0.9}),
        4: ("Top", 5.0, {}),
        5: ("Top", 4.0, {}),
    }
    ideas = build_backlog(needs, docs)
    assert [i.idea for i in ideas] == ["pockets", "zip"]
    pockets = ideas[0]
    assert pockets.kind is NeedKind.WISH and pockets.evidence == 2 and pockets.doc_ids == (1, 2)
    assert dict(pockets.products) == {"Maxi dress": 2}
    assert pockets.mean_rating == pytest.approx(2.5)
    assert pockets.rating_impact == pytest.approx(2.5 - 3.0) and pockets.rating_impact < 0
    assert dict(pockets.emotion_mix) == pytest.approx({"joy": 0.3, "sadness": 0.3})
    assert len(pockets.quotes) == 2
    assert build_backlog(needs, docs, top=1) == ideas[:1]


def test_backlog_without_ratings_and_bad_top() -> None:
    needs = [NeedSentence(9, "I wish it had pockets.", NeedKind.WISH, 0.9, "i_wish")]
    (idea,) = build_backlog(needs, {})
    assert idea.mean_rating is None and idea.rating_impact is None and dict(idea.products) == {}
    with pytest.raises(ValueError, match="'top'"):
        build_backlog(needs, {}, top=0)


def test_clothing_test_set_does_not_regress() -> None:
    """Floors from the frozen clothing TEST set (docs/benchmarks.md): measured minus 0.05, never below the old floors.

    Measured after the domain-general rules: any-need P 0.891 R 0.513, micro P 0.766 R 0.441 (before: 0.929 / 0.469,
    0.768 / 0.387); the precision floors stay at the old ones.
    """
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "sentence\tlabel" and len(lines) == 301
    sentences, labels = zip(*(line.rsplit("\t", 1) for line in lines[1:]), strict=True)
    result = evaluate(sentences, labels)
    micro, any_need = result["micro"], result["any_need"]
    assert micro["precision"] >= 0.768 - 0.05 and micro["recall"] >= 0.441 - 0.05
    assert any_need["precision"] >= 0.929 - 0.05 and any_need["recall"] >= 0.513 - 0.05


@pytest.mark.shared_data
def test_support_tweets_test_set(shared_data: Path) -> None:
    """Floors from the frozen customer-support TEST set (300 tweet sentences; text read from the shared data, checked
    by digest). Measured: any-need P 0.933 R 0.598, micro P 0.876 R 0.561; the clothing-only rules had R 0.098."""
    bench = _bench()
    sentences, labels = bench.read_twcs(shared_data)
    assert len(sentences) == 300
    result = evaluate(sentences, labels)
    micro, any_need = result["micro"], result["any_need"]
    assert any_need["precision"] >= 0.933 - 0.05 and any_need["recall"] >= 0.598 - 0.05
    assert micro["precision"] >= 0.876 - 0.05 and micro["recall"] >= 0.561 - 0.05


def test_head_word_fallback_skips_stop_words_before_singularising() -> None:
    from empathic.analyse.needs import idea_for

    need = NeedSentence(1, "Returned this.", NeedKind.PAIN_POINT, 0.5, "returned")
    assert not idea_for(need).startswith("thi ")


def test_aspect_labels_carry_no_markup_or_control_characters() -> None:
    """Labels are built from ASCII letters only, so a hostile sentence cannot smuggle HTML or terminal escapes."""
    hostile = [
        "The <script>alert(1)</script> checkout is broken.",
        "\x1b[31mThe checkout\x1b[0m is broken again!",
        "Ｔｈｅ ｃｈｅｃｋｏｕｔ is broken, please fix it.",
    ]
    needs = [n for i, s in enumerate(hostile) for n in detect_needs(i, s)]
    labels = {i.idea for i in build_backlog(needs, {})}
    assert labels and all(set(label) <= set("abcdefghijklmnopqrstuvwxyz '-()") for label in labels)
    assert "checkout" in labels


@pytest.mark.shared_data
def test_twcs_fixture_text_is_checked_by_digest(shared_data: Path, tmp_path: Path) -> None:
    bench = _bench()
    rows = (ROOT / "tests" / "fixtures" / "needs_twcs.tsv").read_text(encoding="utf-8").splitlines()
    tweet_id, index, _, label = rows[1].split("\t")
    bad = tmp_path / "needs_twcs.tsv"
    bad.write_text(f"{rows[0]}\n{tweet_id}\t{index}\t00000000\t{label}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not the text that was labelled"):
        bench.read_twcs(shared_data, bad)
