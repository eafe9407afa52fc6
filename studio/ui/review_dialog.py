"""Reviewer sign-off in the app: read the ethics report of the saved file, then approve,
reject or override it with a recorded reason, tied to that file's exact content hash."""

from __future__ import annotations

import html
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from studio.io import load_dreamscape
from studio.model import Dreamscape
from studio.store import MIN_JUSTIFICATION, Review, ReviewError, check_review
from studio.store.keys import KeyStoreError, SecretKeyFile
from studio.store.publish import (
    Evaluation,
    GateVerdict,
    evaluate,
    judge,
    lint_summary,
    render_report,
    review_dreamscape,
)
from studio.store.review import fatal_codes
from studio.store.signing import ReviewCheck

from . import publish_common as common
from .panels.score_gauge import ScoreGauge
from .signing_key_picker import SigningKeyPicker
from .theme import repolish

DECISION_LABELS = {"approve": "Approve", "reject": "Reject", "override": "Override"}
DECISION_HINTS = {
    "approve": "Optional: what you checked.",
    "reject": "Recommended: what must change before this can be published.",
    "override": f"Required (at least {MIN_JUSTIFICATION} characters): why publishing is safe "
    "despite the findings.",
}
PLOT_SCALE = 2  # render the report's SVG plots at twice their size for crisp text
RADIO_CSS = (
    "QRadioButton::indicator { width: 12px; height: 12px; border-radius: 7px; "
    "border: 1px solid #8d94a5; background: transparent; }"
    "QRadioButton::indicator:checked { border-color: #7b93ff; background: qradialgradient("
    "cx:0.5, cy:0.5, radius:0.5, fx:0.5, fy:0.5, stop:0 #7b93ff, stop:0.5 #7b93ff, "
    "stop:0.6 transparent); }"
    "QRadioButton::indicator:disabled { border-color: rgba(141, 148, 165, 80); }"
    "QRadioButton:disabled { color: rgba(141, 148, 165, 120); }"
)
REPORT_CSS = "QTextBrowser { background: #ffffff; color: #1f2430; border: 1px solid #c9ced8; }"


@dataclass
class Checked:
    """One saved file, linted, with the gate applied and the reviews of its content."""

    path: Path
    ds: Dreamscape
    evaluation: Evaluation
    html: str
    reviews: list[Review] = field(default_factory=list)
    library_error: str | None = None
    checks: list[ReviewCheck] = field(default_factory=list)


def check_file(path: Path) -> Checked:
    """Load the saved file, lint it and read its reviews (runs on the thread pool)."""
    ds = load_dreamscape(path)
    try:
        library = common.open_library()
    except Exception as exc:  # lint still works; recording will say why it cannot
        evaluation = evaluate(ds, base_dir=path.parent)
        return Checked(
            path, ds, evaluation, render_report(ds, evaluation), [], common.describe_error(exc)
        )
    with library:
        evaluation = evaluate(ds, base_dir=path.parent, library=library)
        judged = judge(library.reviews_for(evaluation.content_hash), library.trust_store())
    return Checked(
        path,
        ds,
        evaluation,
        render_report(ds, evaluation),
        [r for r, _ in judged],
        checks=[c for _, c in judged],
    )


# ---------------------------------------------------------------- the verdict header
class VerdictHeader(QWidget):
    """Gauge, title, verdict and every reason: the first thing a reviewer or publisher reads."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        common.clear_background(self, "verdictHeader")
        self.gauge = ScoreGauge()
        self.title = common.plain_label()
        self.title.setObjectName("verdictTitle")
        self.title.setStyleSheet("#verdictTitle { font-size: 14pt; font-weight: 600; }")
        self.title.setWordWrap(True)
        self.file = common.plain_label(role="muted")
        self.file.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict = QLabel()
        self.verdict.setObjectName("verdictHeadline")
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.reasons = QLabel()
        self.reasons.setObjectName("verdictReasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.RichText)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QVBoxLayout()
        text.setSpacing(4)
        for widget in (self.title, self.file, self.verdict, self.reasons):
            text.addWidget(widget)
        text.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addWidget(self.gauge, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)

    def show_busy(self, title: str, path: Path, text: str) -> None:
        self.title.setText(title)
        self.file.setText(str(path))
        self.gauge.set_score(None, None)
        self.gauge.set_updating(True)
        self.verdict.setText(common.pill_html("CHECKING", "busy") + "&nbsp; " + html.escape(text))
        self.reasons.setText("")

    def show_error(self, text: str) -> None:
        self.gauge.set_updating(False)
        self.verdict.setText(
            common.pill_html("NOT CHECKED", "blocked")
            + "&nbsp; "
            + html.escape(text).replace("\n", "<br>")
        )
        self.reasons.setText("")

    def show_verdict(
        self, title: str, path: Path, verdict: GateVerdict, extra_reasons: list[str] | None = None
    ) -> None:
        self.title.setText(title or "Untitled dreamscape")
        self.file.setText(str(path))
        self.gauge.set_updating(False)
        self.gauge.set_score(verdict.score, verdict.band)
        allowed = verdict.allowed and not extra_reasons
        pill = common.pill_html(
            "EXPORT ALLOWED" if allowed else "EXPORT BLOCKED", "allowed" if allowed else "blocked"
        )
        self.verdict.setText(f"{pill}&nbsp; <b>{html.escape(verdict.headline)}</b>")
        reasons = list(verdict.reasons) + list(extra_reasons or [])
        self.reasons.setText(
            "<ul style='margin-left:-24px'>"
            + "".join(f"<li>{html.escape(r)}</li>" for r in reasons)
            + "</ul>"
            if reasons
            else ""
        )


# ---------------------------------------------------------------- the report page
_HEADER = re.compile(r"<header>.*?</header>", re.S)
_VERDICT = re.compile(r'<section class="verdict".*?</section>', re.S)
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def show_report(browser: QTextBrowser, page: str) -> None:
    """The package's report page without the parts the dialog shows natively; its SVG plots
    become images, since rich text cannot draw SVG."""
    document = browser.document()
    page = _VERDICT.sub("", _HEADER.sub("", page, count=1), count=1)
    images: list[tuple[str, QImage]] = []

    def to_image(match: re.Match[str]) -> str:
        renderer = QSvgRenderer(QByteArray(match.group(0).encode("utf-8")))
        if not renderer.isValid():
            return ""
        size = renderer.defaultSize()
        image = QImage(size * PLOT_SCALE, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
        painter.end()
        name = f"plot-{len(images)}.png"
        images.append((name, image))
        return f'<img src="{name}" width="{min(size.width(), 760)}">'

    page = _SVG.sub(to_image, page).replace("</b><span>", "</b>&nbsp; <span>")
    for name, image in images:
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    browser.setHtml(page)


def make_report_browser() -> QTextBrowser:
    browser = QTextBrowser()
    browser.setObjectName("reportBrowser")
    browser.setOpenExternalLinks(True)
    browser.setStyleSheet(REPORT_CSS)  # the report is a light page in either theme
    return browser


def write_report_file(page: str, stem: str) -> Path:
    """The full page (with its SVG plots) in a temporary file for the system browser."""
    folder = Path(tempfile.mkdtemp(prefix="dreamstudio-report-"))
    target = folder / f"{stem or 'dreamscape'}-report.html"
    target.write_text(page, encoding="utf-8")
    return target


# ---------------------------------------------------------------- the dialog
class ReviewDialog(QDialog):
    """Shows the report of the saved file and records one review of its content hash."""

    recorded = Signal(object)  # Review

    def __init__(self, path: Path | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.checked: Checked | None = None
        self.load_error: str | None = None
        self.last_review: Review | None = None
        self._recorded_inputs: tuple[str, str | None, str] | None = None
        self.setObjectName("reviewDialog")
        self.setWindowTitle(f"Review — {self.path.name}")
        self.resize(920, 820)
        self._build()
        self._connect()
        self.start()

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        self.header = VerdictHeader()
        self.hash_field = QLineEdit()
        self.hash_field.setObjectName("contentHash")
        self.hash_field.setReadOnly(True)
        common.monospace(self.hash_field)
        self.hash_field.setToolTip(
            "The review applies to exactly this content; any edit "
            "changes the hash and needs a new review."
        )
        hash_row = QHBoxLayout()
        hash_row.addWidget(common.set_role(QLabel("Content sha256"), "muted"))
        hash_row.addWidget(self.hash_field, 1)

        self.report = make_report_browser()
        self.reviews = QTableWidget(0, 6)
        self.reviews.setObjectName("previousReviews")
        self.reviews.setHorizontalHeaderLabels(
            ["Time", "Reviewer", "Decision", "Score", "Signature", "Justification"]
        )
        self.reviews.verticalHeader().setVisible(False)
        self.reviews.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.reviews.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.reviews.setWordWrap(True)
        header = self.reviews.horizontalHeader()
        for column in range(5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.report, "Ethics report")
        self.tabs.addTab(self.reviews, "Reviews of this content")

        self.reviewer = QLineEdit(common.remembered_reviewer())
        self.reviewer.setObjectName("reviewerName")
        self.reviewer.setPlaceholderText("Your name, e.g. Dr. Lorne")
        self.decisions = QButtonGroup(self)
        self.decision_buttons: dict[str, QRadioButton] = {}
        choices = QHBoxLayout()
        for name, label in DECISION_LABELS.items():
            button = QRadioButton(label)
            button.setObjectName(f"decision_{name}")
            button.setStyleSheet(RADIO_CSS)
            self.decisions.addButton(button)
            self.decision_buttons[name] = button
            choices.addWidget(button)
        choices.addStretch(1)
        self.override_note = common.set_role(QLabel(), "error")
        self.override_note.setObjectName("overrideNote")
        self.override_note.setWordWrap(True)
        self.override_note.hide()
        self.justification = QPlainTextEdit()
        self.justification.setObjectName("justification")
        self.justification.setPlaceholderText("Choose a decision first.")
        self.justification.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.validation = common.set_role(QLabel(), "muted")
        self.validation.setObjectName("reviewValidation")
        self.validation.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Reviewer", self.reviewer)
        self.signing = SigningKeyPicker()
        self.signing.fill(self.reviewer.text())
        form.addRow("Signing key", self.signing)
        decision_column = QVBoxLayout()
        decision_column.setSpacing(4)
        decision_column.addLayout(choices)
        decision_column.addWidget(self.override_note)
        form.addRow("Decision", decision_column)
        form.addRow("Justification", self.justification)
        form.addRow("", self.validation)
        box = QGroupBox("Your review")
        box.setLayout(form)

        self.result_label = QLabel()  # not self.result: QDialog.result()
        self.result_label.setObjectName("reviewResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.hide()

        self.buttons = QDialogButtonBox()
        self.record_button = self.buttons.addButton(
            "Record Review", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.record_button.setObjectName("recordReview")
        self.browser_button = QPushButton("Open Full Report…")
        self.browser_button.setToolTip(
            "The same page a package carries, with its plots, in your web browser"
        )
        self.buttons.addButton(self.browser_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addLayout(hash_row)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(box)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)

    def signing_key(self) -> SecretKeyFile | None:
        return self.signing.key()

    def _reviewer_changed(self, *_: Any) -> None:
        self.signing.match(self.reviewer.text())
        self.validate()

    def _connect(self) -> None:
        self.reviewer.textChanged.connect(self._reviewer_changed)
        self.signing.changed.connect(self.validate)
        self.justification.textChanged.connect(self.validate)
        self.decisions.buttonToggled.connect(self._decision_toggled)
        self.record_button.clicked.connect(self.record)
        self.browser_button.clicked.connect(self.open_in_browser)
        self.buttons.rejected.connect(self.reject)

    # ------------------------------------------------------------ checking
    def start(self) -> None:
        """Lint the saved file in the background; the dialog stays responsive meanwhile."""
        self.checked = None
        self.load_error = None
        self.header.show_busy(self.path.stem, self.path, "Running the ethics checks…")
        self.hash_field.setText("")
        self.browser_button.setEnabled(False)
        self.setCursor(Qt.CursorShape.BusyCursor)
        self.validate()
        path = self.path
        common.run_in_background(self, lambda: check_file(path), self._checked, self._failed)

    def _checked(self, checked: Checked) -> None:
        self.unsetCursor()
        self.checked = checked
        verdict = checked.evaluation.verdict
        self.header.show_verdict(checked.ds.meta.title, self.path, verdict)
        self.hash_field.setText(checked.evaluation.content_hash)
        self.hash_field.setCursorPosition(0)
        show_report(self.report, checked.html)
        self._show_reviews(checked.reviews, checked.checks)
        self.signing.fill(self.reviewer.text())
        self.browser_button.setEnabled(True)
        fatal = fatal_codes(lint_summary(checked.evaluation))
        override = self.decision_buttons["override"]
        override.setEnabled(not fatal)
        if fatal:
            if override.isChecked():
                self.decisions.setExclusive(False)
                override.setChecked(False)
                self.decisions.setExclusive(True)
            self.override_note.setText(
                f"Override unavailable: fatal finding {', '.join(fatal)} — a dreamer could be "
                "trapped with no way out, so no reviewer can lift it. Fix the design instead."
            )
            override.setToolTip(self.override_note.text())
        self.override_note.setVisible(bool(fatal))
        self.validate()
        if not self.reviewer.text().strip():
            self.reviewer.setFocus()
        else:
            self.decision_buttons["approve"].setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.unsetCursor()
        self.load_error = common.describe_error(exc)
        self.header.show_error(f"The saved file could not be checked:\n{self.load_error}")
        self.validate()

    def _show_reviews(self, reviews: list[Review], checks: list[ReviewCheck]) -> None:
        self.reviews.setRowCount(len(reviews))
        for row, review in enumerate(reviews):
            score = "" if review.score is None else f"{review.score} ({review.band})"
            check = checks[row] if row < len(checks) else None
            signature = check.label if check else ""
            if check and check.key_id:
                signature += f" · key {check.key_id}"
            values = (
                common.local_time(review.created),
                review.reviewer,
                DECISION_LABELS.get(review.decision, review.decision),
                score,
                signature,
                review.justification,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.reviews.setItem(row, column, item)
        self.reviews.resizeRowsToContents()
        self.tabs.setTabText(1, f"Reviews of this content ({len(reviews)})")

    # ------------------------------------------------------------ deciding
    def decision(self) -> str | None:
        for name, button in self.decision_buttons.items():
            if button.isChecked():
                return name
        return None

    def set_decision(self, name: str) -> None:
        self.decision_buttons[name].setChecked(True)

    def _decision_toggled(self, *_: Any) -> None:
        decision = self.decision()
        self.justification.setPlaceholderText(
            DECISION_HINTS.get(decision or "", "Choose a decision first.")
        )
        # Qt does not always repaint a changed placeholder (seen once text was typed and
        # deleted): repaint, or the previous decision's hint stays on screen.
        self.justification.viewport().update()
        self.validate()

    def problem(self) -> tuple[str | None, bool]:
        """Why recording is not possible yet (None when it is), and whether that breaks a rule
        (shown as an error) rather than something still to fill in."""
        if self.load_error:
            return "The saved file could not be checked, so it cannot be reviewed.", True
        if self.checked is None:
            return "Running the ethics checks…", False
        if self.checked.library_error:
            return f"The library cannot be opened: {self.checked.library_error}", True
        decision = self.decision()
        reviewer = self.reviewer.text().strip()
        text = self.justification.toPlainText().strip()
        if not reviewer:
            return "Enter your name as the reviewer.", False
        if decision is None:
            return "Choose approve, reject or override.", False
        if self.signing.problem():
            return self.signing.problem(), False
        if self._recorded_inputs == (reviewer, decision, text):
            return (
                "Recorded. Change the decision or justification to record another review; "
                "the most recent one applies at the gate."
            ), False
        if decision == "override" and len(text) < MIN_JUSTIFICATION:
            return (
                f"An override needs a justification of at least {MIN_JUSTIFICATION} "
                f"characters ({len(text)} so far): say why publishing is safe despite "
                "the findings.",
                bool(text),
            )
        try:
            check_review(reviewer, decision, text, lint_summary(self.checked.evaluation))
        except ReviewError as exc:
            return str(exc)[:1].upper() + str(exc)[1:] + ".", True
        return None, False

    def validate(self) -> bool:
        """Update the live message and the Record button; True when recording is possible."""
        message, is_error = self.problem()
        ok = message is None
        decision = self.decision()
        if message is None:
            message = (
                f"Ready to record: {DECISION_LABELS.get(decision or '', '')} by "
                f"{self.reviewer.text().strip()} for content "
                f"{common.short_hash(self.checked.evaluation.content_hash)}…"
                if self.checked
                else ""
            )
        self.validation.setText(message)
        common.set_role(self.validation, "error" if is_error else "muted")
        bad_text = is_error and decision == "override"
        if self.justification.property("invalid") != bad_text:
            self.justification.setProperty("invalid", bad_text)
            repolish(self.justification)
        self.record_button.setEnabled(ok)
        return ok

    # ------------------------------------------------------------ recording
    def record(self) -> Review | None:
        """Write the review through the library; refused reviews say why and write nothing."""
        if not self.validate() or self.checked is None:
            return None
        checked = self.checked
        reviewer = self.reviewer.text().strip()
        decision = self.decision() or ""
        try:
            with common.open_library() as library:
                review, verdict = review_dreamscape(
                    library,
                    checked.ds,
                    checked.path,
                    reviewer,
                    decision,
                    self.justification.toPlainText().strip(),
                    evaluation=checked.evaluation,
                    key=self.signing.key(),
                    passphrase=self.signing.passphrase_bytes(),
                )
                judged = judge(
                    library.reviews_for(checked.evaluation.content_hash), library.trust_store()
                )
        except (ReviewError, KeyStoreError) as exc:
            self._refused(str(exc))
            return None
        except Exception as exc:  # the library is busy, full or unreadable
            self._refused(common.describe_error(exc))
            return None
        common.remember_reviewer(reviewer)
        self._recorded_inputs = (reviewer, decision, self.justification.toPlainText().strip())
        checked.evaluation.verdict = verdict
        checked.reviews = [r for r, _ in judged]
        checked.checks = [c for _, c in judged]
        self.last_review = review
        self.header.show_verdict(checked.ds.meta.title, self.path, verdict)
        self._show_reviews(checked.reviews, checked.checks)
        show_report(self.report, render_report(checked.ds, checked.evaluation))
        kind = "allowed" if verdict.allowed else "blocked"
        signed = f"signed with key {review.key_id}" if review.signed else "UNSIGNED"
        self.result_label.setText(
            f"{common.pill_html('RECORDED', kind)}&nbsp; {html.escape(review.decision)} by "
            f"{html.escape(review.reviewer)} at {html.escape(common.local_time(review.created))}"
            f", {signed} — {html.escape(verdict.headline)}"
        )
        self.result_label.show()
        self.validate()
        self.recorded.emit(review)
        return review

    def _refused(self, reason: str) -> None:
        self.validation.setText(f"Not recorded: {reason}")
        common.set_role(self.validation, "error")

    def open_in_browser(self) -> Path | None:
        if self.checked is None:
            return None
        page = render_report(self.checked.ds, self.checked.evaluation)
        target = write_report_file(page, self.path.stem)
        common.open_in_browser(target)
        return target

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(920, 820)
