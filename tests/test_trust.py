"""A received workspace is data, not instructions: its settings that reach the network, name an environment
variable or point outside the folder apply only after `empathic trust DIR`; `report` never calls a remote
model unless the command line asks. Real SQLite workspace, real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import fields
from pathlib import Path

import pytest

from empathic.cli.main import main
from empathic.config import (
    CONFIG_FILE,
    TRUST_POLICY,
    Settings,
    UntrustedSettingWarning,
    load_settings,
    needs_trust,
    resolve_settings,
    review_trust,
    trust_workspace,
)
from empathic.demo import DATA_DIR, DEMO_FILES
from empathic.errors import DatabaseMissingError, TrustError, WorkspaceLinkError
from empathic.testing.chat_server import ChatServer
from empathic.trust import TRUST_FILE, USER_CONFIG
from empathic.workspace import Workspace

SECRET = "sk-live-0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # the value of the variable a hostile toml names
USER_KEY = "sk-user-own-key-1234"
REPLY = {"choices": [{"message": {"role": "assistant", "content": "{{Q1}} Dry all day."}}]}


@pytest.fixture(scope="module")
def brand(tmp_path_factory) -> Path:
    """A workspace with the demo brand's testimonials, VADER scores and a stored persona (about 1 s)."""
    path = tmp_path_factory.mktemp("trust") / "received-ws"
    Workspace.init(path).close()
    with Workspace(path, settings=Settings.from_mapping({"analyse": {"analysers": ["vader"]}})) as ws:
        f = next(f for f in DEMO_FILES if f.name == "testimonials.csv")
        ws.ingest(DATA_DIR / f.name, f.mapping, f.kind, source=f.source)
        ws.analyze()
        assert ws.personas()
    return path


def _hostile(ws: Path, base_url: str, **extra: str) -> None:
    """The issue's attack: an empathic.toml that sends customer text, with the user's secret, to its URL."""
    lines = ['llm = "openai"', f'base_url = "{base_url}"', 'api_key_env = "SECRET_VAR"', 'model = "gpt-big"']
    lines += [f'{k} = "{v}"' for k, v in extra.items()]
    (ws / CONFIG_FILE).write_text("[narrate]\n" + "\n".join(lines) + "\n", encoding="utf-8")


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        main(list(args))
    captured = capsys.readouterr()
    return int(e.value.code or 0), captured.out, captured.err


def test_the_issue_attack_report_and_narrate_send_nothing(brand, user_config, capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SECRET_VAR", SECRET)
    with ChatServer(lambda request: REPLY) as attacker:
        _hostile(brand, attacker.base_url)
        out = tmp_path / "report.html"
        code, stdout, stderr = _cli(capsys, "report", "-w", str(brand), "--out", str(out))
        assert code == 0, stderr
        html = out.read_text(encoding="utf-8")
        code, narrated, stderr2 = _cli(capsys, "narrate", "-w", str(brand), "--audience", "region=west", "--json")
        assert code == 0, narrated
        assert attacker.requests == [] and attacker.headers == [], "nothing may reach the workspace's endpoint"
    assert 'id="narratives"' in html and "Backend: extractive" in html
    assert json.loads(narrated)["backend"] == "extractive"
    for text in (html, stdout, stderr, narrated, stderr2):
        assert SECRET not in text
    warning = stderr.strip().splitlines()[-1]
    assert warning.startswith("warning: ") and "narrate.base_url" in warning and "narrate.api_key_env" in warning
    assert f"empathic trust {brand}" in warning
    assert not (user_config / TRUST_FILE).exists(), "using a workspace never trusts it"


def test_trust_shows_records_and_an_edit_voids_it(brand, user_config, capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SECRET_VAR", SECRET)
    with ChatServer(lambda request: REPLY) as endpoint:
        _hostile(brand, endpoint.base_url)
        code, stdout, _ = _cli(capsys, "trust", str(brand), "--json")
        assert code == 0
        shown = json.loads(stdout)
        assert shown["trusted"] and shown["recorded"] and shown["workspace"] == str(brand.resolve())
        assert {s["setting"]: s["value"] for s in shown["settings"]} == {
            "narrate.llm": "openai",
            "narrate.base_url": endpoint.base_url,
            "narrate.api_key_env": "SECRET_VAR",
            "narrate.model": "gpt-big",
        }
        record = json.loads((user_config / TRUST_FILE).read_text())["workspaces"][str(brand.resolve())]
        assert record["trusted_at"].endswith("Z") and record["fingerprint"].startswith("sha256:")
        assert stat.S_IMODE(os.stat(user_config / TRUST_FILE).st_mode) == 0o600
        assert SECRET not in stdout + (user_config / TRUST_FILE).read_text(), "the key's name, never its value"

        code, _, _ = _cli(capsys, "report", "-w", str(brand), "--out", str(tmp_path / "r.html"))
        assert code == 0 and endpoint.requests == [], "trusted or not, the report asks no remote model unasked"
        assert "The configured backend openai was not used" in (tmp_path / "r.html").read_text(encoding="utf-8")
        code, _, stderr = _cli(capsys, "report", "-w", str(brand), "--out", str(tmp_path / "r.html"), "--llm", "openai")
        assert code == 0 and stderr == ""
        assert endpoint.requests and all(r["model"] == "gpt-big" for r in endpoint.requests)
        assert endpoint.headers[-1]["Authorization"] == f"Bearer {SECRET}", "trusted: the workspace's key variable"
        assert "Backend: openai" in (tmp_path / "r.html").read_text(encoding="utf-8")

        sent = len(endpoint.requests)
        _hostile(brand, endpoint.base_url.replace("/v1", "/v1/"))  # any edit of a trusted value voids the trust
        with pytest.warns(UntrustedSettingWarning, match="changed since you trusted it"):
            assert load_settings(brand).narrate.api_key_env == "OPENAI_API_KEY"
        code, stdout, _ = _cli(capsys, "trust", "--list", "--json")
        assert [(r["workspace"], r["state"]) for r in json.loads(stdout)["trusted"]] == [
            (str(brand.resolve()), "changed")
        ]
        code, stdout, _ = _cli(capsys, "trust", str(brand), "--revoke", "--json")
        assert json.loads(stdout) == {"workspace": str(brand.resolve()), "revoked": True}
        code, stdout, _ = _cli(capsys, "trust", "--list", "--json")
        assert json.loads(stdout) == {"trusted": []}
        assert len(endpoint.requests) == sent


def test_narrate_llm_openai_uses_the_users_own_endpoint_and_key(brand, user_config, capsys, monkeypatch) -> None:
    """`--llm openai` on the command line is the explicit ask; the endpoint and key then come from the user."""
    monkeypatch.setenv("SECRET_VAR", SECRET)
    monkeypatch.setenv("USER_KEY", USER_KEY)
    monkeypatch.setenv("EMPATHIC_NARRATE_MODEL", "users-model")
    with ChatServer(lambda r: REPLY) as attacker, ChatServer(lambda r: REPLY, api_key=USER_KEY) as own:
        _hostile(brand, attacker.base_url)
        user_config.mkdir(parents=True)
        (user_config / USER_CONFIG).write_text(f'[narrate]\nbase_url = "{own.base_url}"\napi_key_env = "USER_KEY"\n')
        code, stdout, stderr = _cli(
            capsys, "narrate", "-w", str(brand), "--audience", "region=west", "--llm", "openai", "--json"
        )
        assert code == 0, stdout
        assert attacker.requests == []
        assert own.requests and {r["model"] for r in own.requests} == {"users-model"}  # EMPATHIC_* wins
        assert {h["Authorization"] for h in own.headers} == {f"Bearer {USER_KEY}"}
    assert json.loads(stdout)["backend"] == "openai"
    assert SECRET not in repr(own.headers) + repr(own.requests) + stdout + stderr
    assert "narrate.api_key_env" in stderr


def test_store_outside_the_workspace_is_ignored_unless_trusted(user_config, tmp_path) -> None:
    ws = tmp_path / "ws"
    Workspace.init(ws).close()
    outside = tmp_path / "elsewhere" / "loot.sqlite"
    outside.parent.mkdir()
    (ws / CONFIG_FILE).write_text(f'[store]\nurl = "sqlite:///{outside}"\n', encoding="utf-8")
    with pytest.warns(UntrustedSettingWarning, match=r"ignored store\.url"), Workspace(ws) as w:
        assert w.settings.store.url == "sqlite:///empathic.sqlite"
        w.status()
    assert not outside.exists(), "an untrusted workspace cannot open a database outside its folder"
    trust_workspace(ws)
    # after `empathic trust` the folder's store.url applies: only `empathic init` creates a database, so
    # opening now names the outside file as the missing database
    with Workspace(ws) as w, pytest.raises(DatabaseMissingError, match=r"loot\.sqlite"):
        w.status()
    assert not outside.exists()


@pytest.mark.parametrize(
    ("setting", "value", "needs"),
    [
        ("store.url", "sqlite:///empathic.sqlite", False),
        ("store.url", "sqlite:///data/brand.sqlite", False),
        ("store.url", "sqlite:///../other/brand.sqlite", True),
        ("store.url", "sqlite:////home/ana/all.sqlite", True),
        ("store.url", "sqlite:///file:x.db?mode=ro&uri=true", True),
        ("store.url", "sqlite:///:memory:", True),
        ("store.backend", "sqlite", False),
        ("store.backend", "memory", True),
        ("narrate.llm", "extractive", False),
        ("narrate.llm", "local", False),
        ("narrate.llm", "openai", True),
        ("narrate.llm", "some-plugin", True),
        ("narrate.base_url", "http://203.0.113.7/v1", True),
        ("narrate.base_url", "http://127.0.0.1:8080/v1", False),  # the built-in default: never applied from a folder
        ("narrate.api_key_env", "AWS_SECRET_ACCESS_KEY", True),
        ("narrate.model", "gpt-4-32k", True),
        ("narrate.gguf", "models/inside-the-zip.gguf", True),  # parsed by native code, even from inside
        ("report.title", "Q3 voice of the customer", False),
        ("analyse.threads", 2, False),
    ],
)
def test_which_values_need_trust(tmp_path: Path, setting: str, value: object, needs: bool) -> None:
    assert (setting in needs_trust({setting: value}, tmp_path)) is needs


def test_a_symlink_inside_the_folder_does_not_make_a_store_inside(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "data").symlink_to(tmp_path)  # shipped in the zip, pointing anywhere
    assert "store.url" in needs_trust({"store.url": "sqlite:///data/loot.sqlite"}, tmp_path / "ws")


def test_trust_says_which_values_the_environment_overrides(brand, user_config) -> None:
    _hostile(brand, "http://203.0.113.7/v1")
    review = trust_workspace(brand, {"XDG_CONFIG_HOME": str(user_config.parent), "EMPATHIC_NARRATE_MODEL": "m"})
    assert review.trusted and review.overridden == ("narrate.model",)
    assert review_trust(brand, {"XDG_CONFIG_HOME": str(user_config.parent)}).trusted


def test_every_setting_is_classified() -> None:
    """A new setting must get a line in TRUST_POLICY (until then it is treated as sensitive)."""
    every = {f"{s.name}.{k.name}" for s in fields(Settings) for k in fields(s.default_factory())}  # type: ignore[misc]
    assert set(TRUST_POLICY) == every


def test_layers_defaults_user_workspace_environment(user_config, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / CONFIG_FILE).write_text(
        '[ingest]\nchunk_size = 50\n[narrate]\napi_key_env = "OPENAI_API_KEY"\nbase_url = "http://127.0.0.1:8080/v1"\n'
    )
    user_config.mkdir(parents=True)
    (user_config / USER_CONFIG).write_text(
        '[ingest]\nchunk_size = 70\nencoding = "latin-1"\n[narrate]\napi_key_env = "MY_KEY"\nllm = "openai"\n'
        'base_url = "https://llm.internal.example/v1"\n'
    )
    env = {"XDG_CONFIG_HOME": str(user_config.parent), "EMPATHIC_INGEST_ENCODING": "utf-16"}
    loaded = resolve_settings(ws, env)
    s = loaded.settings
    assert (s.ingest.chunk_size, s.ingest.encoding) == (50, "utf-16"), "workspace over user, environment over both"
    assert (s.narrate.llm, s.narrate.api_key_env, s.narrate.base_url) == (
        "openai",
        "MY_KEY",
        "https://llm.internal.example/v1",
    ), "the user's own sensitive settings apply in full; a folder's copy of the defaults never overrides them"
    assert loaded.ignored == (), "values equal to the defaults (an `empathic init` file) need no trust and no warning"


def test_trust_errors_and_a_corrupt_trust_file(brand, user_config, capsys, tmp_path) -> None:
    code, stdout, _ = _cli(capsys, "trust", "--json")
    assert code == 2 and json.loads(stdout)["error"]["code"] == "EMP110"
    code, stdout, _ = _cli(capsys, "trust", str(tmp_path / "nowhere"), "--json")
    assert code == 2 and json.loads(stdout)["error"]["code"] == "EMP201"
    user_config.mkdir(parents=True)
    (user_config / TRUST_FILE).write_text("{not json")
    _hostile(brand, "http://203.0.113.7/v1")
    with pytest.raises(TrustError) as e:
        load_settings(brand)
    assert str(user_config / TRUST_FILE) in e.value.message and "Delete" in (e.value.hint or "")


def test_trust_output_neutralises_terminal_escapes(brand, user_config, capsys) -> None:
    _hostile(brand, "http://203.0.113.7/v1\\u001b]0;pwned\\u0007\\u001b[2J")
    code, stdout, _ = _cli(capsys, "trust", str(brand), "--show")
    assert code == 0 and "\x1b" not in stdout and "\x07" not in stdout
    assert "\\x1b[2J" in stdout and "is not trusted" in stdout
    assert not (user_config / TRUST_FILE).exists(), "--show records nothing"


def test_a_database_linked_outside_the_folder_is_refused(tmp_path: Path) -> None:
    """A zip can ship empathic.sqlite as a link to another database; following it would mix or leak brands."""
    other = tmp_path / "other-brand" / "empathic.sqlite"
    Workspace.init(other.parent).close()
    before = other.read_bytes()
    ws = tmp_path / "received"
    ws.mkdir()
    (ws / CONFIG_FILE).write_text("[ingest]\nchunk_size = 10\n")
    (ws / "empathic.sqlite").symlink_to(other)
    with pytest.raises(WorkspaceLinkError) as e, Workspace(ws) as w:
        w.status()
    assert e.value.code == "EMP204" and str(other) in e.value.message
    assert other.read_bytes() == before
    (ws / "empathic.sqlite").unlink()
    victim = tmp_path / "notes.txt"
    victim.write_text("the user's own file")
    (ws / "empathic.sqlite-wal").symlink_to(victim)  # SQLite would write its log into it
    with pytest.raises(WorkspaceLinkError, match=r"empathic\.sqlite-wal"), Workspace(ws) as w:
        w.status()
    assert victim.read_text() == "the user's own file"
