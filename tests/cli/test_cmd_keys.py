"""`dreamstudio keys` end to end: make, list, export, import (user-wide and per library),
revoke; and `review` signing with an encrypted key."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from studio.cli.main import main
from studio.io import save_dreamscape
from studio.model.starter import starter_dreamscape
from studio.store import ENV_VAR, Library


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "library.db"))
    monkeypatch.chdir(tmp_path)
    save_dreamscape(starter_dreamscape("Lantern Bay", "Jamie", "teen"), tmp_path / "bay.dream")
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_new_list_export_and_owner_only_files(work: Path, capsys) -> None:
    code, out, _ = run(capsys, "keys", "new", "--name", "Dr. Lorne")
    assert code == 0 and "for Dr. Lorne (not encrypted, owner-only)" in out
    key_id = out.split(" key ")[1].split()[0]
    folder = Path(os.environ["DREAMSTUDIO_KEYS_DIR"])
    assert stat.S_IMODE((folder / f"{key_id}.key").stat().st_mode) == 0o600
    code, out, _ = run(capsys, "keys", "list", "--format", "json")
    data = json.loads(out)
    assert [k["key_id"] for k in data["own"]] == [key_id]
    assert [k["key_id"] for k in data["trusted"]] == [key_id]  # your own new key
    code, out, _ = run(capsys, "keys", "export", "Dr. Lorne", "-o", "lorne.pub")
    assert code == 0 and out.startswith(f"dreamstudio-ed25519 {key_id} ")
    assert (work / "lorne.pub").read_text().strip() == out.strip()
    assert run(capsys, "keys", "export", "Eli")[0] == 2


def test_import_into_a_library_and_revoke(work: Path, capsys, monkeypatch) -> None:
    run(capsys, "keys", "new", "--name", "Dr. Lorne", "--no-trust")
    _, line, _ = run(capsys, "keys", "export", "Dr. Lorne")
    (work / "lorne.pub").write_text("# Dr. Lorne, handed over at the lab\n" + line)
    code, out, _ = run(capsys, "keys", "import", "lorne.pub", "--library", "shared.db")
    assert code == 0 and "in library shared.db" in out
    with Library.open(work / "shared.db") as lib:
        assert list(lib.trust_store().keys) == [line.split()[1]]
    code, out, err = run(capsys, "keys", "revoke", "Dr. Lorne", "--reason", "laptop stolen")
    assert code == 0 and out.startswith("dreamstudio-revoke1 ") and "laptop stolen" in out
    (work / "revoked.txt").write_text(out)
    code, out, _ = run(capsys, "keys", "import", "revoked.txt", "--library", "shared.db")
    assert code == 0 and "honouring the revocation" in out
    with Library.open(work / "shared.db") as lib:
        assert lib.trust_store().revoked_at(line.split()[1]) is not None
    tampered = (work / "revoked.txt").read_text().replace("laptop stolen", "never mind")
    (work / "bad.txt").write_text(tampered)
    code, _, err = run(capsys, "keys", "import", "bad.txt")
    assert code == 2 and "bad.txt:1: the revocation of" in err and "not signed" in err


def test_import_names_the_bad_line(work: Path, capsys) -> None:
    (work / "keys.txt").write_text("dreamstudio-ed25519 0123456789abcdef !!! Mallory\nhello\n")
    code, _, err = run(capsys, "keys", "import", "keys.txt")
    assert code == 2
    assert "keys.txt:1: key: not valid base64" in err
    assert "keys.txt:2: neither a 'dreamstudio-ed25519' key nor a revocation" in err


def test_review_signs_with_an_encrypted_key_from_a_passphrase_file(work: Path, capsys) -> None:
    (work / "pass.txt").write_text("harbour lights\n")
    run(capsys, "keys", "new", "--name", "Dr. Lorne", "--passphrase-file", "pass.txt")
    argv = ("review", "bay.dream", "--reviewer", "Dr. Lorne", "--decision", "approve")
    code, _, err = run(capsys, *argv, "--dreamers", "200")
    assert code == 2 and "is encrypted; give its passphrase" in err
    (work / "wrong.txt").write_text("low tide\n")
    code, _, err = run(capsys, *argv, "--dreamers", "200", "--passphrase-file", "wrong.txt")
    assert code == 2 and "wrong passphrase" in err
    code, out, _ = run(capsys, *argv, "--dreamers", "200", "--passphrase-file", "pass.txt")
    assert code == 0 and "signed with key" in out and "signed, valid and trusted" in out
    code, out, _ = run(capsys, "review", "bay.dream", "--show", "--format", "json")
    [review] = json.loads(out)["reviews"]
    assert review["check"]["status"] == "trusted" and review["signature"]


def test_a_reviewer_without_a_key_records_an_unsigned_review(work: Path, capsys) -> None:
    code, out, err = run(capsys, "review", "bay.dream", "--reviewer", "Mae", "--decision", "reject")
    assert code == 0  # recorded; the gate it leads to is printed
    assert "UNSIGNED" in err and "UNSIGNED" in out
    code, _, err = run(
        capsys, "review", "bay.dream", "--reviewer", "Mae", "--decision", "reject", "--key", "Mae"
    )
    assert code == 2 and "no reviewer key 'Mae'" in err
