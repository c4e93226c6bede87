"""Demo content for the site shell: notices, about and help pages, footer and menus. Safe to run again."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from wagtail.models import Page, Site

from cms.models import HomePage, NavigationSettings, NoticeIndexPage, NoticePage, SiteSettings, StandardPage

ISSUER = "省教育厅教师工作处"

NOTICES: list[dict[str, Any]] = [
    {
        "slug": "school-based-training-2026",
        "title": "关于开展信息技术应用能力提升工程2.0校本研修的通知",
        "date_published": datetime.date(2026, 3, 2),
        "pinned": True,
        "summary": "各中小学以学校为单位开展整校推进的校本研修，教师完成不少于50学时的研修任务，其中实践应用不少于50%。",
        "body": (
            "<p>各市、县（区）教育局，各中小学校：</p>"
            "<p>为深入推进中小学教师信息技术应用能力提升工程2.0，现就2026年校本研修工作通知如下。</p>"
            "<ol><li>各校结合本校信息化教学环境（多媒体教学环境、混合学习环境或智慧教学环境），"
            "制定学校信息化发展规划和校本研修计划。</li>"
            "<li>每位教师至少选择3个能力点，在平台完成线上课程学习，并提交课堂实践成果。</li>"
            "<li>校本研修学时不少于50学时，其中实践应用学时不少于50%。</li>"
            "<li>学校管理团队应于6月30日前完成本校研修成果的初审。</li></ol>"
            "<p>联系人：教师工作处，联系电话见平台页脚。</p>"
        ),
    },
    {
        "slug": "hours-recognition-2026",
        "title": "关于做好2026年度继续教育学时认定工作的通知",
        "date_published": datetime.date(2026, 2, 20),
        "pinned": False,
        "summary": "2026年度学时认定于12月15日截止，教师可在“我的学时”中查看已登记学时并申请补登。",
        "body": (
            "<p>根据中小学教师继续教育学时管理办法，2026年度学时认定工作安排如下：</p>"
            "<ul><li>在线课程学时由平台根据学习记录自动登记；</li>"
            "<li>校本研修、线下培训学时由学校或培训机构批量导入；</li>"
            "<li>教师对登记结果有异议的，应于12月15日前通过所在学校提出补登申请。</li></ul>"
            "<p>年度学时认定结果将作为年度考核和职称评聘的依据之一。</p>"
        ),
    },
    {
        "slug": "course-filing-results-2026-1",
        "title": "关于公布2026年第一批培训课程备案结果的公告",
        "date_published": datetime.date(2026, 1, 15),
        "pinned": False,
        "summary": "经专家评审，“技术支持的课堂讲授”等42门课程通过备案，可纳入2026年度教师培训选课目录。",
        "body": (
            "<p>经培训机构申报、专家评审和结果公示，“技术支持的课堂讲授”“数字教育资源获取与评价”"
            "等42门课程通过2026年第一批培训课程备案。</p>"
            "<p>通过备案的课程可纳入2026年度教师培训选课目录，备案有效期两年。</p>"
        ),
    },
]

ABOUT_BODY = [
    {"type": "paragraph", "value": "<p>本平台面向全省中小学教师，提供信息技术应用能力提升培训、测评与认证服务。</p>"},
    {"type": "heading", "value": {"text": "平台功能", "level": "h2"}},
    {
        "type": "paragraph",
        "value": (
            "<ul><li>在线课程与校本研修</li><li>学时登记与年度认定</li>"
            "<li>能力点测评与等级证书</li><li>人事部门证书查询</li></ul>"
        ),
    },
]

HELP_BODY = [
    {"type": "heading", "value": {"text": "如何登录", "level": "h2"}},
    {"type": "paragraph", "value": "<p>使用学校分配的账号登录；忘记密码请联系本校管理员重置。</p>"},
    {"type": "heading", "value": {"text": "如何查看学时", "level": "h2"}},
    {"type": "paragraph", "value": "<p>登录后进入“我的学时”，可查看各年度已登记学时及其来源。</p>"},
    {"type": "heading", "value": {"text": "技术支持", "level": "h2"}},
    {"type": "paragraph", "value": "<p>工作日 8:30–17:30，联系电话和电子邮箱见页面底部。</p>"},
]


def cms_demo_content_ensure() -> None:
    """Create what is missing; pages and settings that exist (maybe edited since) are left as they are."""
    with transaction.atomic():
        home = HomePage.objects.get()
        notices = _child_ensure(home, NoticeIndexPage(title="通知公告", slug="notices"))
        for notice in NOTICES:
            _child_ensure(notices, NoticePage(issuer=ISSUER, **notice))
        about = _child_ensure(home, StandardPage(title="关于平台", slug="about", body=ABOUT_BODY))
        help_page = _child_ensure(home, StandardPage(title="帮助中心", slug="help", body=HELP_BODY))
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.get(root_page=home)
        _site_settings_ensure(site)
        _navigation_ensure(site, home=home, notices=notices, about=about, help_page=help_page)


def _child_ensure(parent: Page, page: Page) -> Page:
    """The child with the page's slug, created and published if it is not there yet."""
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing is not None:
        return existing.specific
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _site_settings_ensure(site: Site) -> None:
    settings = SiteSettings.for_site(site)
    defaults = {
        "site_name": "教师信息技术应用能力培训与认证平台",
        "footer_text": "主办：省教育厅　承办：省电化教育馆",
        "icp_number": "京ICP备00000000号-1（演示）",
        "contact_phone": "010-12345678",
        "contact_email": "support@example.edu.cn",
    }
    changed = [name for name, value in defaults.items() if not getattr(settings, name)]
    for name in changed:
        setattr(settings, name, defaults[name])
    if changed:
        settings.save(update_fields=changed)


def _navigation_ensure(site: Site, *, home: Page, notices: Page, about: Page, help_page: Page) -> None:
    navigation = NavigationSettings.for_site(site)
    changed = []
    if not navigation.header_links:
        navigation.header_links = [
            _link("首页", page=home),
            _link("课程中心", url="/courses/"),
            _link("通知公告", page=notices),
            _link("帮助中心", page=help_page),
        ]
        changed.append("header_links")
    if not navigation.footer_links:
        navigation.footer_links = [_link("关于平台", page=about), _link("帮助中心", page=help_page)]
        changed.append("footer_links")
    if changed:
        navigation.save(update_fields=changed)


def _link(label: str, *, page: Page | None = None, url: str = "") -> dict[str, Any]:
    return {"type": "link", "value": {"label": label, "page": page.pk if page else None, "url": url}}
