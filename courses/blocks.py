"""Lesson content blocks. A lesson body is one StreamField of these; later block types
(H5P activity, quiz, evidence task) are added to `LessonBodyBlock` without reshaping it.

Blocks that count toward completion expose `completion_kind` on their StructValue:
"video" (server-counted minutes), "session" (attendance), "h5p" (server-checked activity result)
or "" (read only).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock


class VideoValue(blocks.StructValue):
    completion_kind = "video"

    def required_seconds(self) -> int:
        return round(float(self.get("required_minutes") or 0) * 60)

    def duration_seconds(self) -> int:
        return round(float(self.get("duration_minutes") or 0) * 60)


class VideoBlock(blocks.StructBlock):
    """A video whose watch time the server counts from heartbeats."""

    title = blocks.CharBlock(label=_("title"), max_length=200)
    video = DocumentChooserBlock(label=_("video file"), required=False, help_text=_("An uploaded MP4 file."))
    url = blocks.URLBlock(label=_("or video address"), required=False)
    duration_minutes = blocks.DecimalBlock(label=_("length (minutes)"), min_value=0.1, max_value=600, decimal_places=1)
    required_minutes = blocks.DecimalBlock(
        label=_("minutes that must be watched"), min_value=0, max_value=600, decimal_places=1, default=0
    )

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if not value.get("video") and not value.get("url"):
            errors["video"] = ValidationError(_("Choose a video file or give its address."))
        if (value.get("required_minutes") or 0) > (value.get("duration_minutes") or 0):
            errors["required_minutes"] = ValidationError(_("Cannot require more minutes than the video lasts."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"
        value_class = VideoValue
        description = _("A video; watch time is counted by the server while it plays.")
        preview_value = {"title": "技术支持的课堂讲授：示范课", "duration_minutes": 20, "required_minutes": 15}


class DocumentValue(blocks.StructValue):
    completion_kind = ""


class DocumentBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200)
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.TextBlock(label=_("description"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "courses/blocks/document.html"
        value_class = DocumentValue
        description = _("A document to read or download.")
        preview_value = {"title": "教学设计模板", "description": "下载后按模板填写。"}


class OfflineSessionValue(blocks.StructValue):
    completion_kind = "session"


class OfflineSessionBlock(blocks.StructBlock):
    """A face-to-face session inside a course (集中培训): time, place and sign-in."""

    title = blocks.CharBlock(label=_("title"), max_length=200)
    starts_at = blocks.DateTimeBlock(label=_("starts at"))
    ends_at = blocks.DateTimeBlock(label=_("ends at"))
    place = blocks.CharBlock(label=_("place"), max_length=200)
    sign_in_required = blocks.BooleanBlock(label=_("sign-in required"), required=False, default=True)

    def clean(self, value):
        value = super().clean(value)
        if value.get("starts_at") and value.get("ends_at") and value["ends_at"] <= value["starts_at"]:
            raise StructBlockValidationError(
                block_errors={"ends_at": ValidationError(_("The session must end after it starts."))}
            )
        return value

    class Meta:
        icon = "date"
        label = _("Offline session")
        template = "courses/blocks/offline_session.html"
        value_class = OfflineSessionValue
        description = _("A face-to-face session with a time, a place and a sign-in.")
        preview_value = {"title": "集中研修：课堂实录研讨", "place": "县教师发展中心 302 室"}


class H5PActivityValue(blocks.StructValue):
    completion_kind = "h5p"

    def activity_id(self) -> int | None:
        activity = self.get("activity")
        return getattr(activity, "pk", None)


class H5PActivityBlock(blocks.StructBlock):
    """An interactive H5P exercise; the server checks its answers and decides the score."""

    title = blocks.CharBlock(label=_("title"), max_length=200, required=False)
    activity = SnippetChooserBlock("assessments.H5PActivity", label=_("H5P activity"))
    required_to_pass = blocks.BooleanBlock(
        label=_("must be passed to finish the lesson"), required=False, default=True,
        help_text=_("Otherwise finishing one attempt is enough."),
    )

    def clean(self, value):
        value = super().clean(value)
        activity = value.get("activity")
        if activity is not None and not activity.playable:
            raise StructBlockValidationError(block_errors={"activity": ValidationError(
                _("This activity is not ready (%(status)s): its package must pass the check and its libraries be approved.")
                % {"status": activity.get_status_display()}
            )})
        return value

    class Meta:
        icon = "code"
        label = _("H5P activity")
        template = "courses/blocks/h5p.html"
        value_class = H5PActivityValue
        description = _("An interactive H5P exercise; scores are checked by the server.")
        preview_value = {"title": "课堂互动练习"}


class QuizValue(blocks.StructValue):
    completion_kind = "quiz"

    def quiz_id(self) -> int | None:
        return getattr(self.get("quiz"), "pk", None)


class QuizBlock(blocks.StructBlock):
    """A quiz drawn from the item bank; the server marks it and explains every item."""

    title = blocks.CharBlock(label=_("title"), max_length=200, required=False)
    quiz = SnippetChooserBlock("assessments.Quiz", label=_("quiz"))
    required_to_pass = blocks.BooleanBlock(
        label=_("must be passed to finish the lesson"), required=False, default=True,
        help_text=_("Otherwise submitting one attempt is enough."),
    )

    class Meta:
        icon = "list-ul"
        label = _("Quiz")
        template = "courses/blocks/quiz.html"
        value_class = QuizValue
        description = _("A quiz from the item bank, marked by the server with an explanation per item.")
        preview_value = {"title": "单元测验"}


class LessonBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Text"),
        icon="pilcrow",
        template="courses/blocks/text.html",
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "image"],
        description=_("Rich text."),
        preview_value="<p>本课介绍技术支持的课堂讲授的基本方法。</p>",
    )
    video = VideoBlock()
    document = DocumentBlock()
    offline_session = OfflineSessionBlock()
    h5p = H5PActivityBlock()
    quiz = QuizBlock()

    class Meta:
        block_counts: dict[str, dict[str, int]] = {}
