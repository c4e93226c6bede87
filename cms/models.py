"""The site shell: home page, notices (通知公告), standard pages, site and navigation settings."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageQuerySet
from wagtail.rich_text import get_text_for_indexing
from wagtail.search import index

from cms.blocks import BODY_FEATURES, AttachmentsBlock, BodyBlock, NavigationLinksBlock

NOTICES_PER_PAGE = 20
HOME_NOTICE_COUNT = 5


def _with_search_text(update_fields: Any) -> Any:
    """A partial save that writes the body must also write its plain-text copy."""
    if update_fields is not None and "body" in update_fields:
        return {*update_fields, "search_text"}
    return update_fields


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["latest_notices"] = list(NoticePage.listed_under(self)[:HOME_NOTICE_COUNT])
        context["notice_index"] = NoticeIndexPage.objects.child_of(self).live().public().first()
        # cms sits above courses in the layers but needs no code from it: the catalog is found by type.
        context["catalog_page"] = (
            Page.objects.live()
            .public()
            .filter(content_type__app_label="courses", content_type__model="catalogpage")
            .first()
        )
        return context


class NoticeIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=BODY_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NoticePage"]

    class Meta:
        verbose_name = _("notice index page")
        verbose_name_plural = _("notice index pages")

    def notices(self, *, year: int | None = None) -> PageQuerySet:
        notices = NoticePage.listed_under(self, children_only=True)
        return notices.filter(date_published__year=year) if year else notices

    def notice_years(self) -> list[int]:
        dates = NoticePage.objects.child_of(self).live().public().dates("date_published", "year", order="DESC")
        return [d.year for d in dates]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        years = self.notice_years()
        year = _year_from(request.GET.get("year"), years)
        notices: PaginatorPage = Paginator(self.notices(year=year), NOTICES_PER_PAGE).get_page(request.GET.get("page"))
        context.update(notices=notices, years=years, year=year, page_params=urlencode({"year": year}) if year else "")
        return context


def _year_from(raw: str | None, years: list[int]) -> int | None:
    """The year filter from the query string; anything that is not a year with notices means all years."""
    try:
        year = int(raw or "")
    except ValueError:
        return None
    return year if year in years else None


class NoticePage(Page):
    date_published = models.DateField(_("date published"), default=timezone.localdate)
    issuer = models.CharField(
        _("issuing organisation"), max_length=100, blank=True, help_text=_("For example: 省教育厅教师工作处")
    )
    pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("Pinned notices are listed before all others.")
    )
    summary = models.TextField(
        _("summary"), max_length=300, blank=True, help_text=_("One or two sentences shown in lists and search results.")
    )
    body = RichTextField(_("body"), features=BODY_FEATURES)
    attachments = StreamField(AttachmentsBlock(), verbose_name=_("attachments"), blank=True)
    # Plain text of body and attachments, kept so that site search can match Chinese substrings.
    search_text = models.TextField(_("text for site search"), blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("date_published"), FieldPanel("issuer")]), FieldPanel("pinned")],
            heading=_("Publication"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("attachments"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date_published"),
    ]
    parent_page_types = ["cms.NoticeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    @classmethod
    def listed_under(cls, parent: Page, *, children_only: bool = False) -> PageQuerySet:
        """Live, public notices under a page: pinned first, then newest first."""
        notices = cls.objects.child_of(parent) if children_only else cls.objects.descendant_of(parent)
        return notices.live().public().order_by("-pinned", "-date_published", "-first_published_at", "-pk")

    @property
    def listing_summary(self) -> str:
        return self.summary or self.search_text

    def save(self, *args: Any, **kwargs: Any) -> None:
        attachments = self._meta.get_field("attachments").get_searchable_content(self.attachments)
        self.search_text = " ".join([get_text_for_indexing(self.body or ""), *attachments]).strip()
        kwargs["update_fields"] = _with_search_text(kwargs.get("update_fields"))
        super().save(*args, **kwargs)


class StandardPage(Page):
    intro = models.TextField(_("introduction"), max_length=300, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    # Plain text of the body, kept so that site search can match Chinese substrings.
    search_text = models.TextField(_("text for site search"), blank=True, editable=False)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")

    def save(self, *args: Any, **kwargs: Any) -> None:
        body_text = self._meta.get_field("body").get_searchable_content(self.body)
        self.search_text = " ".join([self.intro, *body_text]).strip()
        kwargs["update_fields"] = _with_search_text(kwargs.get("update_fields"))
        super().save(*args, **kwargs)


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    site_name = models.CharField(_("site name"), max_length=100, blank=True)
    footer_text = models.TextField(
        _("footer text"), max_length=500, blank=True, help_text=_("For example: the organiser and the copyright line.")
    )
    icp_number = models.CharField(
        _("ICP licence number"), max_length=100, blank=True, help_text=_("For example: 京ICP备XXXXXXXX号-1")
    )
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    panels = [
        FieldPanel("site_name"),
        FieldPanel("footer_text"),
        FieldPanel("icp_number"),
        FieldRowPanel([FieldPanel("contact_phone"), FieldPanel("contact_email")]),
    ]

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    header_links = StreamField(NavigationLinksBlock(), verbose_name=_("header links"), blank=True)
    footer_links = StreamField(NavigationLinksBlock(), verbose_name=_("footer links"), blank=True)

    panels = [FieldPanel("header_links"), FieldPanel("footer_links")]

    class Meta:
        verbose_name = _("navigation")
        verbose_name_plural = _("navigation")

