"""Reviews that cannot be forged: each tampering gets the right verdict from the gate, from
`check_package` (what `verify` and `import` run) and from the command line."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.cli.main import main
from studio.io import load_dreamscape, save_dreamscape
from studio.io.package import DREAM_NAME, MANIFEST_NAME, PackageError, json_bytes
from studio.model.elements import Edge
from studio.model.ops import AddEdge, RemoveEdge, UpdateNode
from studio.store import Library
from studio.store.keys import KeyStoreError, PublicKey, list_keys, new_key
from studio.store.package_check import check_and_import, check_package
from studio.store.publish import evaluate, export_dreamscape, review_dreamscape
from studio.store.signing import SIGNED_FIELDS, Status, check_record, review_payload
from studio.store.trust import TrustStore, revoke_key

JUSTIFIED = "Supervised sleep-lab trial with nightly checks by Dr. Lorne."


# ---------------------------------------------------------------- helpers
def make_blocked(path: Path) -> None:
    """Too intense for a teen audience: blocked, but an override may lift it."""
    ds = load_dreamscape(path)
    UpdateNode("first_scene", {"intensity": 0.95}).apply(ds)
    save_dreamscape(ds, path)


def overridden_package(library: Library, dream_file: Path, key, out: Path) -> Path:
    make_blocked(dream_file)
    ds = load_dreamscape(dream_file)
    review_dreamscape(library, ds, dream_file, key.name, "override", JUSTIFIED, key=key)
    return export_dreamscape(ds, dream_file, out, library=library, dreamers=300).package.path


def rewrite(package: Path, manifest_edit=None, replace: dict[str, bytes] | None = None) -> None:
    """Re-pack a package as a hostile publisher would: edit entries, recompute every hash."""
    with zipfile.ZipFile(package) as zf:
        entries = {name: zf.read(name) for name in zf.namelist()}
    manifest = json.loads(entries.pop(MANIFEST_NAME))
    entries.update(replace or {})
    manifest["files"] = {n: hashlib.sha256(d).hexdigest() for n, d in sorted(entries.items())}
    manifest["content_sha256"] = manifest["files"][DREAM_NAME]
    if manifest_edit:
        manifest_edit(manifest)
    entries[MANIFEST_NAME] = json_bytes(manifest)
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(entries):
            zf.writestr(name, entries[name])


def trusting(*keys) -> TrustStore:
    return TrustStore(keys={k.key_id: k.public for k in keys})


def cli(*argv: str) -> int:
    return main(list(argv))


# ---------------------------------------------------------------- keys
def test_key_files_are_owner_only_and_encrypted_keys_need_their_passphrase(tmp_path: Path) -> None:
    plain = new_key("Dr. Lorne")
    locked = new_key("Mae", passphrase=b"harbour lights")
    for key in (plain, locked):
        assert stat.S_IMODE(os.stat(key.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(plain.path.parent).st_mode) & 0o077 == 0
    assert {k.key_id for k in list_keys()} == {plain.key_id, locked.key_id}
    assert "PRIVATE KEY" in plain.path.read_text() and "ENCRYPTED" in locked.path.read_text()
    with pytest.raises(KeyStoreError, match="encrypted; give its passphrase"):
        locked.sign(b"x")
    with pytest.raises(KeyStoreError, match="wrong passphrase"):
        locked.sign(b"x", b"wrong")
    assert locked.public.verifies(locked.sign(b"x", b"harbour lights"), b"x")


def test_public_key_line_round_trips_and_its_id_is_its_fingerprint() -> None:
    key = new_key("Dr. Lorne").public
    assert PublicKey.from_line(key.line()) == key
    other = new_key("Eli").public
    forged = f"dreamstudio-ed25519 {key.key_id} {other.b64} Dr. Lorne"
    with pytest.raises(KeyStoreError, match="not the fingerprint"):
        PublicKey.from_line(forged)


# ---------------------------------------------------------------- the gate
def test_gate_honours_only_trusted_unrevoked_signatures(
    library: Library, dream_file: Path, lorne_key
) -> None:
    make_blocked(dream_file)
    ds = load_dreamscape(dream_file)
    review_dreamscape(library, ds, dream_file, "Dr. Lorne", "override", JUSTIFIED, key=lorne_key)
    untrusted = evaluate(ds, library=library, dreamers=200).verdict
    assert not untrusted.allowed and untrusted.check.status is Status.UNTRUSTED
    library.trust_key(lorne_key.public)
    trusted = evaluate(ds, library=library, dreamers=200).verdict
    assert trusted.allowed and trusted.check.status is Status.TRUSTED
    assert lorne_key.key_id in trusted.headline
    # Revoked before the review was signed (a stolen key used afterwards): not honoured.
    library.record_revocation(revoke_key(lorne_key, time="2000-01-01T00:00:00.000Z"))
    revoked = evaluate(ds, library=library, dreamers=200).verdict
    assert not revoked.allowed and revoked.check.status is Status.REVOKED


def test_a_revocation_applies_from_its_time_on(library: Library, dream_file: Path, lorne_key):
    make_blocked(dream_file)
    ds = load_dreamscape(dream_file)
    library.trust_key(lorne_key.public)
    review_dreamscape(library, ds, dream_file, "Dr. Lorne", "override", JUSTIFIED, key=lorne_key)
    library.record_revocation(revoke_key(lorne_key, reason="laptop stolen"))
    # The override was signed before the revocation: it still counts.
    assert evaluate(ds, library=library, dreamers=200).verdict.allowed
    review_dreamscape(library, ds, dream_file, "Dr. Lorne", "override", JUSTIFIED, key=lorne_key)
    later = evaluate(ds, library=library, dreamers=200).verdict
    assert not later.allowed and later.check.status is Status.REVOKED


def test_a_review_edited_in_the_database_no_longer_unblocks(
    library: Library, dream_file: Path, trusted_lorne
) -> None:
    make_blocked(dream_file)
    ds = load_dreamscape(dream_file)
    review, verdict = review_dreamscape(
        library, ds, dream_file, "Dr. Lorne", "override", JUSTIFIED, key=trusted_lorne
    )
    assert verdict.allowed
    library.conn.execute(
        "UPDATE reviews SET justification = ? WHERE id = ?", ("Fine by me.", review.id)
    )
    edited = evaluate(ds, library=library, dreamers=200).verdict
    assert not edited.allowed and edited.check.status is Status.BAD
    assert edited.check.detail == "review.justification changed after signing"


def test_an_unsigned_override_is_recorded_but_does_not_unblock(
    library: Library, dream_file: Path
) -> None:
    make_blocked(dream_file)
    ds = load_dreamscape(dream_file)
    review, verdict = review_dreamscape(library, ds, dream_file, "Dr. Lorne", "override", JUSTIFIED)
    assert not review.signed and not verdict.allowed
    assert verdict.check.status is Status.UNSIGNED
    from studio.store.publish import render_report

    page = render_report(ds, evaluate(ds, library=library, dreamers=200))
    assert "<b>Unsigned</b>: nobody vouches for this review." in page
    assert "cannot lift the block: unsigned" in verdict.reasons[-1]


# ---------------------------------------------------------------- packages
def test_a_valid_signed_review_verifies_and_imports(
    library: Library, dream_file: Path, trusted_lorne, tmp_path: Path
) -> None:
    package = overridden_package(library, dream_file, trusted_lorne, tmp_path / "ok.dreampkg")
    check = check_package(package, trusting(trusted_lorne), require_signed=True)
    assert check.ok, check.problems
    [(where, verdict)] = check.reviews
    assert where == "review" and verdict.status is Status.TRUSTED
    assert verdict.key_id == trusted_lorne.key_id and verdict.reviewer == "Dr. Lorne"
    page = zipfile.ZipFile(package).read("report.html").decode("utf-8")
    assert f"Signed by Dr. Lorne with key <code>{trusted_lorne.key_id}</code>" in page
    assert "(signed, valid and trusted)" in page
    _, imported = check_and_import(package, tmp_path / "shelf", trusting(trusted_lorne))
    assert imported.dream_path.is_file()
    assert cli("verify", str(package), "--require-signed", "--library", str(library.path)) == 0


def test_a_forged_manifest_review_is_rejected(
    library: Library, dream_file: Path, trusted_lorne, tmp_path: Path
) -> None:
    package = overridden_package(library, dream_file, trusted_lorne, tmp_path / "f.dreampkg")
    trust = trusting(trusted_lorne)

    def hand_written(manifest):  # no signature at all
        manifest["review"] = {
            k: manifest["review"][k] for k in ("reviewer", "decision", "justification", "time")
        } | {"content_sha256": manifest["content_sha256"], "signature": None}

    rewrite(package, hand_written)
    check = check_package(package, trust)
    assert not check.ok and check.reviews[0][1].status is Status.UNSIGNED
    assert any("cannot lift the block: unsigned" in p for p in check.problems)
    with pytest.raises(PackageError):
        check_and_import(package, tmp_path / "shelf", trust)
    assert not (tmp_path / "shelf").exists()

    def fake_signature(manifest):  # Dr. Lorne's real key id and public key, made-up signature
        manifest["review"]["signature"] = base64.b64encode(bytes(64)).decode()
        manifest["review"]["key_id"] = trusted_lorne.key_id
        manifest["review"]["public_key"] = trusted_lorne.public.b64

    rewrite(package, fake_signature)
    check = check_package(package, trust)
    assert not check.ok and check.reviews[0][1].status is Status.BAD
    assert cli("verify", str(package), "--library", str(library.path)) == 1


def test_a_justification_changed_after_signing_is_named(
    library: Library, dream_file: Path, trusted_lorne, tmp_path: Path, capsys
) -> None:
    package = overridden_package(library, dream_file, trusted_lorne, tmp_path / "j.dreampkg")
    rewrite(package, lambda m: m["review"].update(justification="Nothing to see here, honest."))
    check = check_package(package, trusting(trusted_lorne))
    assert not check.ok and check.reviews[0][1].status is Status.BAD
    assert "review.justification changed after signing" in check.reviews[0][1].detail
    capsys.readouterr()
    assert cli("verify", str(package), "--library", str(library.path)) == 1
    assert "review.justification changed after signing" in capsys.readouterr().err
    assert cli("import", str(package), str(tmp_path / "shelf")) == 1


def test_a_review_signed_by_an_untrusted_key(
    library: Library, dream_file: Path, tmp_path: Path, capsys
) -> None:
    stranger = new_key("Dr. Lorne")  # claims the name, but nobody trusts this key
    library.trust_key(stranger.public)  # the publisher's own library trusts it...
    package = overridden_package(library, dream_file, stranger, tmp_path / "u.dreampkg")
    check = check_package(package, TrustStore())  # ...the verifier does not
    assert not check.ok and check.reviews[0][1].status is Status.UNTRUSTED
    assert any("not trusted here" in p for p in check.problems)  # the block stays shut
    capsys.readouterr()
    assert cli("verify", str(package)) == 1
    assert "signed and valid, but the key is not trusted here" in capsys.readouterr().err
    assert cli("import", str(package), str(tmp_path / "shelf")) == 1


def test_untrusted_approval_of_clean_content_passes_only_without_require_signed(
    library: Library, dream_file: Path, tmp_path: Path
) -> None:
    stranger = new_key("Eli")
    ds = load_dreamscape(dream_file)
    review_dreamscape(library, ds, dream_file, "Eli", "approve", key=stranger)
    package = export_dreamscape(ds, dream_file, tmp_path / "c.dreampkg", library=library)
    plain = check_package(package.package.path, TrustStore())
    assert plain.ok and plain.reviews[0][1].status is Status.UNTRUSTED
    assert plain.notes and "not trusted here" in plain.notes[0]
    strict = check_package(package.package.path, TrustStore(), require_signed=True)
    assert not strict.ok and "--require-signed" in strict.problems[0]
    assert cli("verify", str(package.package.path)) == 0
    assert cli("verify", str(package.package.path), "--require-signed") == 1


def test_a_review_signed_with_a_revoked_key(
    library: Library, dream_file: Path, trusted_lorne, tmp_path: Path
) -> None:
    package = overridden_package(library, dream_file, trusted_lorne, tmp_path / "r.dreampkg")
    trust = trusting(trusted_lorne)
    trust.add_revocation(revoke_key(trusted_lorne, time="2000-01-01T00:00:00.000Z"))
    check = check_package(package, trust)
    assert not check.ok and check.reviews[0][1].status is Status.REVOKED
    with pytest.raises(PackageError, match="revoked"):
        check_and_import(package, tmp_path / "shelf", trust)
    library.record_revocation(revoke_key(trusted_lorne, time="2000-01-01T00:00:00.000Z"))
    assert cli("verify", str(package), "--library", str(library.path)) == 1


def test_a_review_replayed_on_different_content(
    library: Library, dream_file: Path, trusted_lorne, tmp_path: Path
) -> None:
    package = overridden_package(library, dream_file, trusted_lorne, tmp_path / "p.dreampkg")
    trust = trusting(trusted_lorne)
    ds = load_dreamscape(dream_file)
    UpdateNode("first_scene", {"text": "Eli stays on the pier all night."}).apply(ds)
    other = tmp_path / "other.dream"
    save_dreamscape(ds, other)
    rewrite(package, replace={DREAM_NAME: other.read_bytes()})
    check = check_package(package, trust)
    assert any("review.content_sha256: the review is of other content" in p for p in check.problems)
    # Pointing the review at the new content breaks its signature, which says so.
    rewrite(package, lambda m: m["review"].update(content_sha256=m["content_sha256"]))
    check = check_package(package, trust)
    assert check.reviews[0][1].status is Status.BAD
    assert "review.content_sha256 changed after signing" in check.reviews[0][1].detail
    assert cli("verify", str(package), "--library", str(library.path)) == 1


def test_a_fatal_design_repacked_with_an_old_clean_report_fails(
    library: Library, dream_file: Path, tmp_path: Path, capsys
) -> None:
    clean = export_dreamscape(
        load_dreamscape(dream_file), dream_file, tmp_path / "z.dreampkg", library=library
    ).package.path
    ds = load_dreamscape(dream_file)
    RemoveEdge("e2").apply(ds)
    AddEdge(Edge("loop", "first_scene", "onset")).apply(ds)
    fatal = tmp_path / "fatal.dream"
    save_dreamscape(ds, fatal)
    # The old manifest and report.json (a clean score, no fatal finding) around the fatal design.
    old_score = json.loads(zipfile.ZipFile(clean).read(MANIFEST_NAME))["score"]
    rewrite(clean, replace={DREAM_NAME: fatal.read_bytes()})
    check = check_package(clean, TrustStore())
    text = "\n".join(check.problems)
    assert f"manifest.json: score says {old_score}, but this studio computes" in text
    assert "report.json: lint.fatal says False, but this studio computes True" in text
    assert "fatal finding" in text
    capsys.readouterr()
    assert cli("verify", str(clean)) == 1
    assert cli("import", str(clean), str(tmp_path / "shelf")) == 1
    assert not (tmp_path / "shelf").exists()


# ---------------------------------------------------------------- threshold policy
def test_child_audience_needs_two_distinct_trusted_approvals(
    library: Library, tmp_path: Path, trusted_lorne
) -> None:
    from studio.model.starter import starter_dreamscape

    (tmp_path / "pyproject.toml").write_text(
        "[tool.dreamstudio.review]\napprovals = { child = 2 }\n"
    )
    path = tmp_path / "kite.dream"
    save_dreamscape(starter_dreamscape("Kite Day", "Jamie", "child"), path)
    ds = load_dreamscape(path)
    mae = new_key("Mae")
    library.trust_key(mae.public)
    _, one = review_dreamscape(library, ds, path, "Dr. Lorne", "approve", key=trusted_lorne)
    assert not one.allowed and "needs 2 trusted approvals" in one.reasons[-1]
    _, again = review_dreamscape(library, ds, path, "Dr. Lorne", "approve", key=trusted_lorne)
    assert not again.allowed  # the same reviewer twice is still one
    _, unsigned = review_dreamscape(library, ds, path, "Jamie", "approve")
    assert not unsigned.allowed  # an unsigned approval does not count
    _, two = review_dreamscape(library, ds, path, "Mae", "approve", key=mae)
    assert two.allowed and {r.reviewer for r in two.approvals} == {"Dr. Lorne", "Mae"}
    result = export_dreamscape(ds, path, library=library, dreamers=300)
    assert len(result.package.manifest["approvals"]) == 2
    policy = evaluate(ds, library=library, dreamers=300).policy
    check = check_package(result.package.path, trusting(trusted_lorne, mae), policy=policy)
    assert check.ok, check.problems
    only_lorne = check_package(result.package.path, trusting(trusted_lorne), policy=policy)
    assert not only_lorne.ok


# ---------------------------------------------------------------- the encoding


@given(
    field_name=st.sampled_from(SIGNED_FIELDS),
    position=st.integers(min_value=0, max_value=200),
    flip=st.integers(min_value=1, max_value=255),
)
def test_any_single_byte_change_of_a_signed_field_fails(
    field_name: str, position: int, flip: int, tmp_path_factory
) -> None:
    key = _shared_key(tmp_path_factory)
    record = {
        "content_sha256": "a" * 64,
        "decision": "override",
        "justification": JUSTIFIED,
        "reviewer": "Dr. Lorne",
        "time": "2026-05-01T10:00:00.000Z",
        "score": 57,
        "band": "medium",
        "studio_version": "0.1.0",
    }
    from studio.store.signing import sign_record

    signed = sign_record(record, key)
    trust = trusting(key)
    assert check_record(signed, trust).status is Status.TRUSTED
    encoded = json.dumps(signed[field_name]).encode("utf-8")
    i = position % len(encoded)
    changed = bytearray(encoded)
    changed[i] ^= flip
    try:
        value = json.loads(bytes(changed).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        value = bytes(changed).decode("utf-8", "replace")  # a byte that no longer parses
    if value == signed[field_name]:
        return  # e.g. an escape that decodes to the same value: no change was made
    tampered = dict(signed, **{field_name: value})
    verdict = check_record(tampered, trust)
    assert verdict.status is Status.BAD
    assert review_payload(tampered) != review_payload(signed)


_KEY: list = []


def _shared_key(factory):
    if not _KEY:
        _KEY.append(new_key("Dr. Lorne", folder=factory.mktemp("hypothesis-keys")))
    return _KEY[0]


def test_forged_and_replayed_rows_in_the_library_do_not_unblock(
    library: Library, dream_file: Path, tmp_path: Path, trusted_lorne
) -> None:
    make_blocked(dream_file)
    ds = load_dreamscape(dream_file)
    blocked = evaluate(ds, library=library, dreamers=200)
    # Forged: a row written straight into the database, with Dr. Lorne's key id and a
    # made-up signature.
    library.conn.execute(
        "INSERT INTO reviews (content_hash, reviewer, decision, justification, created, "
        "key_id, public_key, signature) VALUES (?, 'Dr. Lorne', 'override', ?, ?, ?, ?, ?)",
        (
            blocked.content_hash,
            JUSTIFIED,
            "2026-05-01T10:00:00.000Z",
            trusted_lorne.key_id,
            trusted_lorne.public.b64,
            base64.b64encode(bytes(64)).decode(),
        ),
    )
    forged = evaluate(ds, library=library, dreamers=200).verdict
    assert not forged.allowed and forged.check.status is Status.BAD
    # Replayed: a genuine signed override of other content, copied onto this content.
    other = tmp_path / "other.dream"
    save_dreamscape(load_dreamscape(dream_file), other)
    ods = load_dreamscape(other)
    UpdateNode("first_scene", {"text": "Another night at the harbour."}).apply(ods)
    save_dreamscape(ods, other)
    genuine, _ = review_dreamscape(
        library, ods, other, "Dr. Lorne", "override", JUSTIFIED, key=trusted_lorne
    )
    library.conn.execute(
        "INSERT INTO reviews (content_hash, reviewer, decision, justification, created, score, "
        "band, studio_version, key_id, public_key, signature, signed_fields) "
        "SELECT ?, reviewer, decision, justification, created, score, band, studio_version, "
        "key_id, public_key, signature, signed_fields FROM reviews WHERE id = ?",
        (blocked.content_hash, genuine.id),
    )
    replayed = evaluate(ds, library=library, dreamers=200).verdict
    assert not replayed.allowed and replayed.check.status is Status.BAD
    assert "review.content_sha256 changed after signing" in replayed.reasons[-1]


def test_a_malformed_policy_names_the_file_and_field(tmp_path: Path) -> None:
    from studio.store.policy import PolicyError, find_policy

    (tmp_path / "pyproject.toml").write_text(
        "[tool.dreamstudio.review]\napprovals = { kids = 2 }\n"
    )
    with pytest.raises(
        PolicyError, match=r"pyproject.toml: tool.dreamstudio.review.approvals.kids"
    ):
        find_policy(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        "[tool.dreamstudio.review]\napprovals = { child = -1 }\n"
    )
    with pytest.raises(PolicyError, match="expected a whole number 0-10"):
        find_policy(tmp_path)
