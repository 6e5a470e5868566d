"""The training wing imports without torch; a training function that needs it says what to install (EMP502).

The project's venv has no torch, so these run the real missing-torch path; with the ``train`` extra installed
they check only the imports.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import pkgutil
import sys
from pathlib import Path

import pytest

import empathic.train
from empathic.cli.main import main
from empathic.errors import BackendNotInstalledError

HAS_TORCH = importlib.util.find_spec("torch") is not None
MODULES = sorted(m.name for m in pkgutil.iter_modules(empathic.train.__path__, "empathic.train."))


def test_the_wing_holds_the_training_modules() -> None:
    assert MODULES == [
        "empathic.train.emotion",
        "empathic.train.emotion_finetune",
        "empathic.train.heads",
        "empathic.train.minilm",
        "empathic.train.pretest_linear",
        "empathic.train.pretest_scorer",
    ]


@pytest.mark.parametrize("name", MODULES)
def test_every_training_module_imports_without_torch(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    for mod in [m for m in sys.modules if m == name or m.startswith(("torch", "transformers"))]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "torch", None)  # as if not installed: `import torch` raises ImportError
    monkeypatch.setitem(sys.modules, "transformers", None)
    importlib.import_module(name)


@pytest.mark.skipif(HAS_TORCH, reason="torch is installed: the missing-torch path cannot run")
def test_training_functions_say_what_to_install_when_called(tmp_path: Path) -> None:
    from empathic.train.emotion_finetune import train_finetuned
    from empathic.train.minilm import require_torch
    from empathic.train.pretest_scorer import embedding_states

    for call in (
        lambda: require_torch(),
        lambda: embedding_states([[101, 102]]),
        lambda: train_finetuned(tmp_path, tmp_path),
    ):
        with pytest.raises(BackendNotInstalledError, match="needs torch") as info:
            call()
        assert info.value.code == "EMP502" and "pip install 'empathic[train]'" in info.value.hint


@pytest.mark.skipif(HAS_TORCH, reason="torch is installed: the missing-torch path cannot run")
def test_cli_fine_tune_without_torch_is_an_emp502_envelope(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "emotion", "--data", str(tmp_path), "--out", str(tmp_path / "m"), "--json"])
    assert exit_info.value.code == 2
    err = json.loads(capsys.readouterr().out)["error"]
    assert err["code"] == "EMP502" and "empathic[train]" in err["hint"]
