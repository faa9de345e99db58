"""The post-incident timeline report: a model built from the journal, rendered by templates."""

from drp_console.report.intake import ReportError
from drp_console.report.model import REPORT_FORMAT, Report, build_report
from drp_console.report.render import FORMATS, render
from drp_console.report.writer import load_report, write_reports

__all__ = [
    "FORMATS",
    "REPORT_FORMAT",
    "Report",
    "ReportError",
    "build_report",
    "load_report",
    "render",
    "write_reports",
]
