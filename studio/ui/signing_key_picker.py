"""The review dialog's signing-key row: which of the reviewer's keys signs, its passphrase,
and whether the review will count at the gate."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from studio.store.keys import SecretKeyFile, list_keys

from . import publish_common as common

UNSIGNED_TEXT = (
    "This review will be UNSIGNED: it is recorded and shown, but an approval or override "
    "cannot unblock the gate. Make a key with `dreamstudio keys new --name NAME`."
)


def trusted_key_ids() -> set[str]:
    """Key ids the library and the user's trust store honour (none without a library)."""
    try:
        with common.open_library() as library:
            return set(library.trust_store().keys)
    except Exception:  # no usable library: nothing to say beyond "not trusted yet"
        return set()


class SigningKeyPicker(QWidget):
    """A choice of the user's own keys (the one named like the reviewer first) or unsigned."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trusted_ids: set[str] = set()
        self.choice = QComboBox()
        self.choice.setObjectName("signingKey")
        self.choice.setToolTip("Only a review signed with a key the studio trusts can unblock")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("keyPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("Passphrase of this key")
        self.note = common.set_role(QLabel(), "muted")
        self.note.setObjectName("signingNote")
        self.note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.choice, 2)
        row.addWidget(self.passphrase, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(row)
        column.addWidget(self.note)
        self.choice.currentIndexChanged.connect(self._key_changed)
        self.passphrase.textChanged.connect(self.changed)

    def fill(self, reviewer: str) -> None:
        """Re-read the keys folder and the trust stores, then pick the reviewer's key."""
        self.trusted_ids = trusted_key_ids()
        self.choice.blockSignals(True)
        self.choice.clear()
        for key in reversed(list_keys()):
            lock = ", passphrase" if key.encrypted else ""
            self.choice.addItem(f"{key.name} — key {key.key_id}{lock}", key)
        self.choice.addItem("Unsigned (recorded, but cannot unblock the gate)", None)
        self.choice.blockSignals(False)
        self.match(reviewer)
        self._key_changed()

    def match(self, reviewer: str) -> None:
        """Select the key made for this name; nobody else's key signs by default."""
        name = reviewer.strip().casefold()
        for index in range(self.choice.count()):
            key = self.choice.itemData(index)
            if key is not None and key.name.casefold() == name:
                self.choice.setCurrentIndex(index)
                return
        self.choice.setCurrentIndex(self.choice.count() - 1)

    def key(self) -> SecretKeyFile | None:
        data = self.choice.currentData()
        return data if isinstance(data, SecretKeyFile) else None

    def passphrase_bytes(self) -> bytes | None:
        return self.passphrase.text().encode("utf-8") or None

    def problem(self) -> str | None:
        """What is missing before the chosen key can sign (None when nothing is)."""
        key = self.key()
        if key is not None and key.encrypted and not self.passphrase.text():
            return f"Enter the passphrase of key {key.key_id} to sign."
        return None

    def _key_changed(self, *_: Any) -> None:
        key = self.key()
        self.passphrase.setVisible(bool(key and key.encrypted))
        if key is None:
            self.note.setText(UNSIGNED_TEXT)
        else:
            trust = (
                "trusted here."
                if key.key_id in self.trusted_ids
                else ("not trusted by this library or studio yet.")
            )
            self.note.setText(f"Signed with key {key.key_id} ({key.name}); {trust}")
        self.changed.emit()
