"""Which member paths may appear in an H5P package at all: safe paths and allowed file names."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

CONTENT_EXTENSIONS = frozenset(
    {
        "json", "png", "jpg", "jpeg", "gif", "bmp", "webp", "svg",
        "mp4", "webm", "ogg", "ogv", "oga", "mp3", "m4a", "wav",
        "vtt", "txt", "csv", "pdf", "woff", "woff2", "ttf", "otf", "eot",
    }
)  # fmt: skip
LIBRARY_ONLY_EXTENSIONS = frozenset({"js", "css", "map"})
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | LIBRARY_ONLY_EXTENSIONS
HTML_EXTENSIONS = frozenset({"html", "htm", "xhtml", "shtml", "xht", "mht", "mhtml"})
# Any of these inside a name ("x.php.png") can make a misconfigured server execute the file.
SERVER_SIDE_EXTENSIONS = HTML_EXTENSIONS | frozenset(
    {
        "php", "php3", "php4", "php5", "php7", "php8", "pht", "phtml", "phps", "phar",
        "cgi", "fcgi", "pl", "pm", "py", "pyc", "pyw", "rb", "sh", "bash", "zsh", "ksh",
        "asp", "aspx", "ascx", "ashx", "asmx", "asa", "cer", "axd", "jsp", "jspx", "jsf", "jhtml",
        "cfm", "cfml", "exe", "dll", "so", "bat", "cmd", "com", "ps1", "vbs", "vbe", "wsf",
        "hta", "msi", "scr", "jar", "war", "htaccess", "htpasswd", "svgz", "shtm", "stm", "inc",
    }
)  # fmt: skip

# H5P's own libraries ship their English string template as language/.en.json.
LANGUAGE_TEMPLATE = re.compile(r"^(?!content/)[^/]+/language/\.en\.json$")
DRIVE_LETTER = re.compile(r"^[A-Za-z]:")


def display_name(name: str) -> str:
    """The name with control and invisible characters escaped, safe to show and log."""
    return "".join(
        char if unicodedata.category(char) not in {"Cc", "Cf"} else f"\\u{ord(char):04x}" for char in name
    )


def unsafe_path_reason(name: str) -> str | None:
    """Why this member path could escape or confuse an extraction folder, or None when it is safe."""
    if "\x00" in name:
        return _("The name contains a NUL byte.")
    if name.startswith("/"):
        return _("The path is absolute.")
    if "\\" in name:
        return _("The path contains a backslash.")
    if DRIVE_LETTER.match(name):
        return _("The path starts with a drive letter.")
    if ":" in name:
        return _("The path contains a colon.")
    parts = (name[:-1] if name.endswith("/") else name).split("/")
    if any(part in {"", ".", ".."} for part in parts):
        return _("The path contains an empty, '.' or '..' part.")
    if any(unicodedata.category(char) in {"Cc", "Cf"} for char in name):
        return _("The name contains control or invisible characters.")
    return None


def file_name_problem(name: str) -> str | None:
    """Why this (safe) file path is not allowed in a package, or None when it is."""
    parts = name.split("/")
    if len(parts) == 1:
        return None if name == "h5p.json" else _("Only h5p.json may be at the top of the package.")
    leaf = parts[-1]
    if any(part.startswith(".") for part in parts) and not LANGUAGE_TEMPLATE.match(name):
        return _("Hidden files and folders (names starting with '.') are not allowed.")
    if leaf.endswith((".", " ")):
        return _("The name ends with a dot or a space, which some systems strip ('shell.php.' → 'shell.php').")
    if "." not in leaf.lstrip("."):
        return _("Files without an extension are not allowed.")
    pieces = leaf.lower().split(".")
    extension = pieces[-1]
    if extension in HTML_EXTENSIONS:
        return _("HTML files are not allowed anywhere in a package.")
    hidden = next((piece for piece in pieces[1:-1] if piece.strip() in SERVER_SIDE_EXTENSIONS), None)
    if hidden is not None:
        return _("The name hides a server-side or executable extension (.%(extension)s).") % {"extension": hidden}
    in_content = parts[0] == "content"
    if in_content and extension in LIBRARY_ONLY_EXTENSIONS:
        return _("Scripts, stylesheets and source maps are allowed only in library folders, not under content/.")
    allowed = CONTENT_EXTENSIONS if in_content else LIBRARY_EXTENSIONS
    if extension not in allowed:
        return _("Files of type .%(extension)s are not allowed.") % {"extension": extension}
    return None


def extension_of(name: str) -> str:
    leaf = name.rsplit("/", 1)[-1]
    return leaf.rsplit(".", 1)[-1].lower() if "." in leaf else ""
