"""The human-readable ethics report and its inline SVG plots (above lint, below store/cli/ui)."""

from .html import render_report_html

__all__ = ["render_report_html"]
