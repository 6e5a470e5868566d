"""Replies link across files: the issue's flow through the CLI, both orders, ambiguity, pins, explanations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from empathic.cli.main import main

POSTS = (
    "id,text,channel\n"
    "p1,We are thrilled to launch our new bag today!,ig\n"
    "p2,We are so sorry for the shipping delays this week.,fb\n"
    "p3,Big summer sale starts now — enjoy!,ig\n"
    "p4,Our store is closing early today due to the storm.,fb\n"
)
COMMENTS = (
    "id,post_id,text\n"
    "c1,p1,Love it so much! Congrats!\n"
    "c2,p1,So exciting!!\n"
    "c3,p2,Still waiting for my order. Furious.\n"
    "c4,p2,This is unacceptable.\n"
    'c5,p3,"Yay, great deals!"\n'
    "c6,p4,Stay safe everyone.\n"
    "c7,p9,Which post is this even about?\n"
)
HUMAN = ("--id-col", "id", "--parent-col", "post_id")  # the comments' options, for the human-readable output


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def _files(tmp_path: Path) -> tuple[str, str, str]:
    (tmp_path / "posts.csv").write_text(POSTS, encoding="utf-8")
    (tmp_path / "comments.csv").write_text(COMMENTS, encoding="utf-8")
    ws = str(tmp_path / "ws")
    return ws, str(tmp_path / "posts.csv"), str(tmp_path / "comments.csv")


def _ingest(capsys, ws: str, path: str, *extra: str) -> dict:
    code, out, err = run(capsys, "ingest", path, "-w", ws, "--id-col", "id", *extra, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.slow  # two real emotion analyses, a few seconds each on a shared CPU
@pytest.mark.parametrize("posts_first", [True, False], ids=["posts-first", "comments-first"])
def test_issue_flow_two_files_the_mirror_finds_the_pairs(capsys, tmp_path: Path, posts_first: bool) -> None:
    ws, posts, comments = _files(tmp_path)
    assert run(capsys, "init", ws)[0] == 0
    ingest_posts = lambda: _ingest(capsys, ws, posts, "--kind", "post")  # noqa: E731
    ingest_comments = lambda: _ingest(capsys, ws, comments, "--kind", "comment", "--parent-col", "post_id")  # noqa: E731
    if posts_first:
        ingest_posts()
        links = ingest_comments()["parents"]
        assert (links["matched"], links["unmatched"], links["ambiguous"]) == (6, 1, 0), links
        assert links["elsewhere"] == {"posts": 6}, "links into another source are shown by source"
        assert links["unmatched_examples"] == ["p9"]
    else:
        early = ingest_comments()
        assert early["stored"] == 7 and early["parents"]["unmatched"] == 7, "no parent is stored yet"
        late = ingest_posts()
        assert late["parents"]["linked_in"] == 6, "the earlier replies link once their posts arrive"
        assert late["read"] == late["stored"] + late["skipped"] + late["quarantined"]
    code, _, err = run(capsys, "analyze", "-w", ws, "-a", "emotion", "--json")
    assert code == 0, err
    code, out, err = run(capsys, "mirror", "-w", ws, "--permutations", "50", "--bootstrap", "50", "--json")
    result = json.loads(out)
    assert code == 0 and result["status"] == "ok", (out, err)
    assert (result["items"], result["responses"]) == (4, 6), result
    assert result["warnings"] == [] and "Warning" not in err, "channel is a parent attribute: no warning"
    code, out, _ = run(capsys, "ingest", comments, "-w", ws, "--kind", "comment", *HUMAN)
    shown = " ".join(out.split())
    assert code == 0 and "6 of 7 parents found (6 in other sources: 'posts' 6), 1 matched nothing" in shown, out
    # a --stratify attribute that no parent has is said, on stderr and in the JSON
    args = ("mirror", "-w", ws, "--stratify", "region", "--permutations", "20", "--bootstrap", "20")
    code, out, err = run(capsys, *args, "--json")
    warnings = json.loads(out)["warnings"]
    assert code == 0 and len(warnings) == 1 and "'region'" in warnings[0] and "'channel'" in warnings[0], warnings
    assert "Warning: --stratify 'region' is an attribute of no parent item" in " ".join(err.split())
    code, out, err = run(capsys, *args)
    assert code == 0 and "Warning" in err and "Warning" not in out and "lift" in out


def test_ambiguous_parent_ids_are_reported_not_guessed_and_a_pin_resolves_them(capsys, tmp_path: Path) -> None:
    ws, posts, comments = _files(tmp_path)
    ads = tmp_path / "ads.csv"
    ads.write_text("id,text\np1,Ad copy that reuses the id p1\np2,Another ad\n", encoding="utf-8")
    run(capsys, "init", ws)
    _ingest(capsys, ws, posts, "--kind", "post")
    _ingest(capsys, ws, str(ads), "--kind", "ad")
    links = _ingest(capsys, ws, comments, "--kind", "comment", "--parent-col", "post_id")["parents"]
    assert (links["matched"], links["unmatched"], links["ambiguous"]) == (2, 1, 4), links
    assert links["ambiguous_examples"] == {"p1": ["ads", "posts"], "p2": ["ads", "posts"]}, links
    code, out, _ = run(capsys, "ingest", comments, "-w", ws, "--kind", "comment", *HUMAN)
    assert code == 0
    text = " ".join(out.split())
    assert "4 replies have a parent id held by two or more other sources" in text and "--parent-source" in text
    pinned = _ingest(capsys, ws, comments, "--kind", "comment", "--parent-col", "post_id", "--parent-source", "posts")
    links = pinned["parents"]
    assert (pinned["stored"], pinned["skipped"]) == (0, 7), "a pin changes the links, not the stored content"
    assert (links["matched"], links["unmatched"], links["ambiguous"], links["pinned"]) == (6, 1, 0, ["posts"]), links
    to_ads = _ingest(capsys, ws, comments, "--kind", "comment", "--parent-col", "post_id", "--parent-source", "ads")
    assert (to_ads["parents"]["matched"], to_ads["parents"]["unmatched"]) == (4, 3), "only p1 and p2 are in ads"
    own = _ingest(capsys, ws, comments, "--kind", "comment", "--parent-col", "post_id", "--parent-source", "comments")
    assert own["parents"]["matched"] == 0 and own["parents"]["unmatched"] == 7, "pinning the own source: no cross links"


def test_parent_source_needs_parent_col(capsys, tmp_path: Path) -> None:
    ws, _, comments = _files(tmp_path)
    run(capsys, "init", ws)
    code, out, _ = run(capsys, "ingest", comments, "-w", ws, "--id-col", "id", "--parent-source", "posts", "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == "EMP420"


def test_mirror_explains_why_it_found_no_pairs(capsys, tmp_path: Path) -> None:
    ws, posts, _ = _files(tmp_path)
    run(capsys, "init", ws)
    _ingest(capsys, ws, posts, "--kind", "post")
    code, out, _ = run(capsys, "mirror", "-w", ws, "--json")
    reason = json.loads(out)["reason"]
    assert code == 0 and "no document in this workspace has a parent id" in reason and "--parent-col" in reason
    # parent ids that match nothing: the example id and the sources searched are named
    orphans = tmp_path / "orphans.csv"
    orphans.write_text("id,post_id,text\nx1,P-001,Nice\nx2,P-002,Meh\n", encoding="utf-8")
    _ingest(capsys, ws, str(orphans), "--kind", "comment", "--parent-col", "post_id")
    code, out, _ = run(capsys, "mirror", "-w", ws)
    text = " ".join(out.split())
    assert code == 0 and "2 replies have a parent id that matches no document (e.g. 'P-001', 'P-002'" in text, text
    assert "Sources in this workspace: 'orphans', 'posts'" in text
    assert "--parent-col" not in text, "the replies did use --parent-col: do not tell the user to"


def test_mirror_with_links_but_no_scores_says_run_analyze(capsys, tmp_path: Path) -> None:
    ws, posts, comments = _files(tmp_path)
    run(capsys, "init", ws)
    _ingest(capsys, ws, posts, "--kind", "post")
    _ingest(capsys, ws, comments, "--kind", "comment", "--parent-col", "post_id")
    code, out, _ = run(capsys, "mirror", "-w", ws, "--json")
    error = json.loads(out)["error"]
    assert code == 2 and error["code"] == "EMP610" and "empathic analyze" in error["hint"]
    assert "6 reply links were found" in error["message"] and "4 of 4 parents" in error["message"], error
