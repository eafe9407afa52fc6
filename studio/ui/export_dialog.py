"""Publishing in the app: the gate verdict first, then a verifiable package — or why not.

A blocked export writes nothing and points at what to fix (the lint panel, or a reviewer);
an allowed one writes a deterministic `.dreampkg` and offers to verify it at once.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.io import load_dreamscape
from studio.io.package import PackageError, collect_assets
from studio.model import Dreamscape
from studio.store.package_check import PackageCheck, check_package
from studio.store.publish import (
    Evaluation,
    ExportBlocked,
    ExportResult,
    default_package_path,
    evaluate,
    export_dreamscape,
)
from studio.store.trust import TrustStore

from . import publish_common as common
from .review_dialog import VerdictHeader

LINT_DOCK = "dock_lint"
MIN_WIDTH = 780
CHUNK = 1 << 20


@dataclass
class Prepared:
    """The saved file, linted and gated with its latest review, and its asset problems."""

    path: Path
    ds: Dreamscape
    evaluation: Evaluation
    asset_problems: list[str] = field(default_factory=list)
    library_error: str | None = None

    @property
    def allowed(self) -> bool:
        return self.evaluation.verdict.allowed and not self.asset_problems


def prepare_export(path: Path) -> Prepared:
    """Load, lint and gate the saved file (runs on the thread pool)."""
    ds = load_dreamscape(path)
    library_error = None
    try:
        library = common.open_library()
    except Exception as exc:  # without the library no review applies; say so
        library, library_error = None, common.describe_error(exc)
    try:
        evaluation = evaluate(ds, base_dir=path.parent, library=library)
    finally:
        if library is not None:
            library.close()
    try:
        collect_assets(ds, path.parent)
        problems: list[str] = []
    except PackageError as exc:
        problems = [f"asset: {p}" for p in exc.problems]
    return Prepared(path, ds, evaluation, problems, library_error)


def write_export(prepared: Prepared, out: Path) -> tuple[ExportResult, str | None]:
    """Write the package and record it in the library when it opens (thread pool)."""
    try:
        library = common.open_library()
    except Exception as exc:  # the package is still worth writing
        result = export_dreamscape(prepared.ds, prepared.path, out, evaluation=prepared.evaluation)
        return result, common.describe_error(exc)
    with library:
        result = export_dreamscape(
            prepared.ds, prepared.path, out, library=library, evaluation=prepared.evaluation
        )
    return result, None


def show_lint_dock(window: QWidget | None) -> bool:
    """Bring the editor's lint panel to the front; False when the window has none."""
    dock = window.findChild(QDockWidget, LINT_DOCK) if window is not None else None
    if window is None or dock is None:
        return False
    dock.show()
    dock.raise_()
    window.activateWindow()
    return True


def _line() -> QFrame:
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.HLine)
    frame.setFrameShadow(QFrame.Shadow.Plain)
    frame.setStyleSheet("color: rgba(128, 128, 128, 70);")
    return frame


class ExportDialog(QDialog):
    """Gate verdict, then the package: path, export in the background, hash, verify."""

    review_requested = Signal()
    exported = Signal(object)  # ExportResult

    def __init__(
        self, path: Path | str, editor: QWidget | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent if parent is not None else editor)
        self.path = Path(path)
        self.editor = editor
        self.prepared: Prepared | None = None
        self.export_result: ExportResult | None = None  # not self.result: QDialog.result()
        self.busy = False
        self.verify_dialog: VerifyDialog | None = None
        self.setObjectName("exportDialog")
        self.setWindowTitle(f"Export Package — {self.path.name}")
        self._build()
        self.start()

    def _build(self) -> None:
        self.header = VerdictHeader()

        # Blocked: why, and where to fix it.
        self.blocked_box = common.clear_background(QWidget(), "blockedBox")
        self.blocked_text = QLabel()
        self.blocked_text.setObjectName("blockedExplanation")
        self.blocked_text.setWordWrap(True)
        self.lint_button = QPushButton("Show Lint Panel")
        self.lint_button.setObjectName("showLintPanel")
        self.review_button = QPushButton("Review…")
        self.review_button.setObjectName("openReview")
        self.review_button.setToolTip(
            "A reviewer may override a non-fatal block, with a recorded justification"
        )
        row = QHBoxLayout()
        row.addWidget(self.lint_button)
        row.addWidget(self.review_button)
        row.addStretch(1)
        box = QVBoxLayout(self.blocked_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.blocked_text)
        box.addLayout(row)

        # Allowed: where to write.
        self.allowed_box = common.clear_background(QWidget(), "allowedBox")
        self.out_field = QLineEdit(str(default_package_path(self.path)))
        self.out_field.setObjectName("packagePath")
        self.browse_button = QPushButton("Browse…")
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_field, 1)
        out_row.addWidget(self.browse_button)
        self.allowed_note = common.set_role(QLabel(), "muted")
        self.allowed_note.setWordWrap(True)
        form = QFormLayout(self.allowed_box)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Package file", out_row)
        form.addRow("", self.allowed_note)

        # Written: the package's own hash and a way to verify it.
        self.result_box = common.clear_background(QWidget(), "resultBox")
        self.result_text = QLabel()
        self.result_text.setObjectName("exportResult")
        self.result_text.setWordWrap(True)
        self.result_text.setTextFormat(Qt.TextFormat.RichText)
        self.result_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.package_hash = QLineEdit()
        self.package_hash.setObjectName("packageHash")
        self.package_hash.setReadOnly(True)
        common.monospace(self.package_hash)
        self.verify_button = QPushButton("Verify Package…")
        self.verify_button.setObjectName("verifyPackage")
        hash_row = QHBoxLayout()
        hash_row.addWidget(common.set_role(QLabel("Package sha256"), "muted"))
        hash_row.addWidget(self.package_hash, 1)
        result_layout = QVBoxLayout(self.result_box)
        result_layout.setContentsMargins(0, 0, 0, 0)
        result_layout.addWidget(self.result_text)
        result_layout.addLayout(hash_row)

        self.error = common.set_role(QLabel(), "error")
        self.error.setObjectName("exportError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setObjectName("exportButton")
        self.buttons.addButton(self.verify_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.verify_button.hide()
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(12)
        layout.addWidget(self.header)
        layout.addWidget(_line())
        for widget in (self.blocked_box, self.allowed_box, self.result_box, self.error):
            layout.addWidget(widget)
            widget.hide()
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(MIN_WIDTH, 300)

        self.lint_button.clicked.connect(self.show_lint_panel)
        self.review_button.clicked.connect(self._ask_review)
        self.browse_button.clicked.connect(self.browse)
        self.export_button.clicked.connect(self.export)
        self.verify_button.clicked.connect(self.verify)
        self.buttons.rejected.connect(self.reject)

    # ------------------------------------------------------------ the verdict
    def start(self) -> None:
        self.prepared = None
        self.header.show_busy(
            self.path.stem, self.path, "Running the ethics checks and the publish gate…"
        )
        self.export_button.setEnabled(False)
        self._busy(True)
        path = self.path
        common.run_in_background(
            self, lambda: prepare_export(path), self._prepared, self._prepare_failed
        )

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _prepared(self, prepared: Prepared) -> None:
        self._busy(False)
        self.prepared = prepared
        verdict = prepared.evaluation.verdict
        self.header.show_verdict(
            prepared.ds.meta.title, self.path, verdict, prepared.asset_problems
        )
        if prepared.allowed:
            note = (
                "The package holds the dreamscape, its assets and this report, with the "
                "sha256 of every file; the same content always gives the same bytes."
            )
            if prepared.library_error:
                note += f"\nNot recorded in the library: {prepared.library_error}"
            self.allowed_note.setText(note)
            self.allowed_box.show()
            self.export_button.setEnabled(True)
            self.export_button.setDefault(True)
        else:
            self.blocked_text.setText(self._blocked_explanation(prepared))
            has_lint = (
                self.editor is not None
                and self.editor.findChild(QDockWidget, LINT_DOCK) is not None
            )
            self.lint_button.setEnabled(has_lint)
            self.lint_button.setToolTip("" if has_lint else "This window has no lint panel")
            review = verdict.review
            can_override = (
                not verdict.fatal
                and not prepared.asset_problems
                and not (review and review.decision == "reject")
            )
            self.review_button.setVisible(can_override or bool(review))
            self.blocked_box.show()
            self.export_button.setEnabled(False)
        common.fit_height(self, MIN_WIDTH)

    @staticmethod
    def _blocked_explanation(prepared: Prepared) -> str:
        verdict = prepared.evaluation.verdict
        parts = ["Nothing was written."]
        if verdict.fatal:
            parts.append(
                "A fatal finding means a dreamer could be held with no way out; no "
                "review can lift it. Fix the design in the lint panel, save, and "
                "export again."
            )
        elif verdict.review and verdict.review.decision == "reject":
            parts.append(
                f"{verdict.review.reviewer} rejected this exact content. Change the "
                "design and ask for a new review."
            )
        elif verdict.review and not verdict.honoured and verdict.check is not None:
            parts.append(
                f"{verdict.review.reviewer}'s {verdict.review.decision} does not count: it is "
                f"{verdict.check.label}. Only a review signed with a key trusted here can "
                "unblock the export."
            )
        elif not verdict.allowed:
            parts.append(
                "Fix or suppress (with a reason) the findings in the lint panel, or "
                "ask a reviewer to record a signed override for this exact content."
            )
        if prepared.asset_problems:
            parts.append("Every asset a scene uses must exist beside the file to be packed.")
        return " ".join(parts)

    def _prepare_failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.header.show_error("The saved file could not be checked.")
        self._export_failed_text(common.describe_error(exc))

    def show_lint_panel(self) -> bool:
        shown = show_lint_dock(self.editor)
        if shown:
            self.accept()
        return shown

    def _ask_review(self) -> None:
        self.review_requested.emit()
        self.accept()

    # ------------------------------------------------------------ exporting
    def browse(self) -> None:
        chosen = common.ask_package_save_path(self, self.out_field.text())
        if chosen is not None:
            self.out_field.setText(str(chosen))

    def output_path(self) -> Path:
        text = self.out_field.text().strip()
        target = Path(text).expanduser() if text else default_package_path(self.path)
        if not target.is_absolute():
            target = self.path.parent / target
        return target

    def export(self) -> bool:
        """Start writing the package; False when refused before anything started."""
        prepared = self.prepared
        if prepared is None or not prepared.allowed or self.busy:
            return False
        out = self.output_path()
        self.error.hide()
        if not out.parent.is_dir():
            self._export_failed_text(f"The folder {out.parent} does not exist.")
            return False
        if out.resolve() == self.path.resolve():
            self._export_failed_text("Choose a package file other than the dreamscape itself.")
            return False
        if out.exists() and not common.ask_overwrite(self, out):
            return False
        self.export_button.setEnabled(False)
        self.out_field.setEnabled(False)
        self.browse_button.setEnabled(False)
        self.export_button.setText("Exporting…")
        self._busy(True)
        common.run_in_background(
            self, lambda: write_export(prepared, out), self._exported, self._export_failed
        )
        return True

    def _exported(self, outcome: tuple[ExportResult, str | None]) -> None:
        self._busy(False)
        result, library_error = outcome
        self.export_result = result
        info = result.package
        kind = "allowed"
        lines = [
            f"{common.pill_html('WRITTEN', kind)}&nbsp; <b>{html.escape(str(info.path))}</b>",
            f"{_size(info.size)} · {len(info.manifest.get('files', {}))} files · "
            f"content {html.escape(common.short_hash(info.manifest.get('content_sha256')))}…",
        ]
        if library_error:
            lines.append(f"Not recorded in the library: {html.escape(library_error)}")
        elif result.export_id is not None:
            lines.append("Recorded in the library.")
        self.result_text.setText("<br>".join(lines))
        self.package_hash.setText(info.sha256)
        self.package_hash.setCursorPosition(0)
        self.allowed_box.hide()
        self.result_box.show()
        self.export_button.hide()
        self.verify_button.show()
        self.verify_button.setDefault(True)
        self.verify_button.setFocus()
        common.fit_height(self, MIN_WIDTH)
        self.exported.emit(result)

    def _export_failed(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, ExportBlocked):
            text = "Blocked, nothing written:\n" + "\n".join(exc.lines())
        else:
            text = f"The package was not written:\n{common.describe_error(exc)}"
        self._export_failed_text(text)
        self.export_button.setText("Export")
        self.export_button.setEnabled(True)
        self.out_field.setEnabled(True)
        self.browse_button.setEnabled(True)

    def _export_failed_text(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        common.fit_height(self, MIN_WIDTH)

    def verify(self) -> VerifyDialog | None:
        if self.export_result is None:
            return None
        self.verify_dialog = VerifyDialog(self.export_result.package.path, self)
        self.verify_dialog.show()
        return self.verify_dialog

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(MIN_WIDTH, super().sizeHint().height())


# ---------------------------------------------------------------- verifying
@dataclass
class Verified:
    result: PackageCheck
    sha256: str | None


def _trust() -> TrustStore:
    """The library's and the user's trusted keys (just the user's without a library)."""
    try:
        with common.open_library() as library:
            return library.trust_store()
    except Exception:  # no usable library: the user's own trust store still applies
        return TrustStore.for_library()


def verify_file(path: Path) -> Verified:
    """Verify the package, its reviews' signatures and its score, and hash its bytes (runs on
    the thread pool)."""
    result = check_package(path, _trust())
    digest = None
    if path.is_file():
        sha = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                sha.update(chunk)
        digest = sha.hexdigest()
    return Verified(result, digest)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


class VerifyDialog(QDialog):
    """Checks a package without trusting it and lists every problem, or what it holds."""

    def __init__(self, path: Path | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.verified: Verified | None = None
        self.setObjectName("verifyDialog")
        self.setWindowTitle(f"Verify Package — {self.path.name}")
        self.headline = QLabel()
        self.headline.setObjectName("verifyHeadline")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.facts = QLabel()
        self.facts.setObjectName("verifyFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lines = QListWidget()
        self.lines.setObjectName("verifyLines")
        self.lines.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(self.headline)
        layout.addWidget(self.facts)
        layout.addWidget(self.lines, 1)
        layout.addWidget(buttons)
        self.resize(720, 440)
        self.headline.setText(
            common.pill_html("CHECKING", "busy") + "&nbsp; " + html.escape(str(self.path))
        )
        self.setCursor(Qt.CursorShape.BusyCursor)
        path = self.path
        common.run_in_background(self, lambda: verify_file(path), self._verified, self._failed)

    def result_lines(self) -> list[str]:
        return [self.lines.item(i).text() for i in range(self.lines.count())]

    def _verified(self, verified: Verified) -> None:
        self.unsetCursor()
        self.verified = verified
        result = verified.result
        manifest: dict[str, Any] = result.manifest or {}
        if result.ok:
            self.headline.setText(
                f"{common.pill_html('VERIFIED', 'allowed')}&nbsp; <b>Every file matches its "
                f"sha256, the score is what this studio computes, and the package is safe "
                f"to import.</b>"
            )
        else:
            n = len(result.problems)
            self.headline.setText(
                f"{common.pill_html('FAILED', 'blocked')}&nbsp; <b>{n} problem"
                f"{'s' if n != 1 else ''} found; do not import or publish this package.</b>"
            )
        facts = [f"<b>{html.escape(str(self.path))}</b>"]
        if verified.sha256:
            facts.append(f"Package sha256 <code>{verified.sha256}</code>")
        if manifest:
            review_text = (
                "; ".join(check.line() for _, check in result.reviews)
                if result.reviews
                else "no review recorded"
            )
            facts.append(
                f"“{html.escape(str(manifest.get('title', '')))}” · score "
                f"{manifest.get('score')} ({html.escape(str(manifest.get('band')))}) · "
                f"{html.escape(review_text)}"
            )
            facts.append(
                f"Content sha256 <code>{html.escape(str(manifest.get('content_sha256')))}</code>"
            )
        self.facts.setText("<br>".join(facts))
        self.lines.clear()
        if result.ok:
            for name, digest in sorted(manifest.get("files", {}).items()):
                self.lines.addItem(QListWidgetItem(f"✓ {name}  {str(digest)[:16]}…"))
            for note in result.notes:
                self.lines.addItem(QListWidgetItem(f"! {note}"))
        else:
            for problem in result.problems:
                self.lines.addItem(QListWidgetItem(f"✗ {problem}"))

    def _failed(self, exc: BaseException) -> None:
        self.unsetCursor()
        self.headline.setText(
            f"{common.pill_html('FAILED', 'blocked')}&nbsp; "
            f"{html.escape(common.describe_error(exc))}"
        )
