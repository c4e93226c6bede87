"""StreamField blocks of the site shell: page bodies, notice attachments and navigation links."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

# The rich-text toolbar of page bodies: structure and emphasis, no arbitrary embeds.
BODY_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link", "hr", "blockquote"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading text"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("Section heading")), ("h3", _("Subsection heading"))],
        default="h2",
        search_index=False,
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading.html"
        description = _("A section or subsection heading that structures the page.")
        preview_value = {"text": "校本研修实施要求", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(features=BODY_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "cms/blocks/paragraph.html"
        description = _("Running text with bold, italics, lists and links.")
        preview_value = "<p>各学校应结合本校信息化教学环境，制定校本研修计划并组织实施。</p>"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        required=False,
        max_length=200,
        help_text=_("Describes the image for screen readers; leave blank to use the image title."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"
        description = _("An image with alternative text and an optional caption.")


class DocumentLinkValue(blocks.StructValue):
    """The text a reader sees: the editor's link text, else the document's own title."""

    def link_text(self) -> str:
        document = self.get("document")
        return str(self.get("title") or (document.title if document else ""))


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(
        label=_("link text"),
        required=False,
        max_length=200,
        help_text=_("Leave blank to use the document title."),
    )

    def get_searchable_content(self, value: Any) -> list[str]:
        # The document title is what readers search for when the link text is left blank.
        text = value.link_text() if isinstance(value, DocumentLinkValue) else ""
        return [text] if text else []

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "cms/blocks/document_link.html"
        description = _("A link to download a document, with its file type and size.")
        value_class = DocumentLinkValue


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    document = DocumentLinkBlock()

    class Meta:
        icon = "doc-full-inverse"
        label = _("Body")
        template = "cms/blocks/body.html"
        description = _("The content of a page, built from headings, paragraphs, images and documents.")


class AttachmentsBlock(blocks.StreamBlock):
    document = DocumentLinkBlock()

    class Meta:
        icon = "doc-full"
        label = _("Attachments")
        template = "cms/blocks/attachments.html"
        description = _("Documents that come with a notice, such as forms and lists.")


_absolute_url = URLValidator(schemes=["http", "https"])


def link_url_error(url: str) -> str | None:
    """Why a typed link address is refused, or None: a path on this site or an http(s) address."""
    if url.startswith("/") and not url.startswith("//"):
        return None
    try:
        _absolute_url(url)
    except ValidationError:
        return str(_("Enter a path on this site starting with / or a full http(s):// address."))
    return None


class NavigationLinkValue(blocks.StructValue):
    """The address of a link: the chosen page while it is live, else the typed address."""

    def href(self) -> str:
        page = self.get("page")
        if page is not None:
            return str(page.url or "") if page.live else ""
        return str(self.get("url") or "")


class NavigationLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("label"), max_length=40)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.CharBlock(
        label=_("address"),
        required=False,
        max_length=300,
        help_text=_("Instead of a page: a path on this site such as /courses/ or a full https:// address."),
    )

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        url = (value.get("url") or "").strip()
        if bool(value.get("page")) == bool(url):
            problem: str | None = str(_("Choose a page or enter an address (one of the two)."))
        else:
            problem = link_url_error(url) if url else None
        if problem:
            raise StructBlockValidationError(block_errors={"url": ValidationError(problem)})
        value["url"] = url
        return value

    class Meta:
        icon = "link"
        label = _("Link")
        template = "cms/blocks/navigation_link.html"
        description = _("A menu entry: a label and either a page of this site or an address.")
        value_class = NavigationLinkValue
        preview_value = {"label": "课程中心", "page": None, "url": "/courses/"}


class NavigationLinksBlock(blocks.StreamBlock):
    link = NavigationLinkBlock()

    class Meta:
        icon = "list-ul"
        label = _("Links")
        template = "cms/blocks/navigation_links.html"
        description = _("An ordered list of menu entries.")
