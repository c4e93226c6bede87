"""The roster import (花名册导入): a spreadsheet of teachers checked row by row, written all or nothing.

Public face: upload (`roster_import_submit`, `roster_import_create`), run (`roster_import_run`),
what the pages show (`import_progress`, `report_lines`) and the template files.
"""

from .progress import FINAL_STATUSES, import_progress, progress_json
from .report import report_lines
from .run import roster_import_run
from .selectors import recent_roster_imports, roster_import_for
from .template import template_csv, template_xlsx
from .upload import (
    roster_file_check,
    roster_import_create,
    roster_import_queue,
    roster_import_submit,
    roster_private_path,
    roster_upload_limit,
)

__all__ = [
    "FINAL_STATUSES",
    "import_progress",
    "progress_json",
    "recent_roster_imports",
    "report_lines",
    "roster_file_check",
    "roster_import_create",
    "roster_import_for",
    "roster_import_queue",
    "roster_import_run",
    "roster_import_submit",
    "roster_private_path",
    "roster_upload_limit",
    "template_csv",
    "template_xlsx",
]
