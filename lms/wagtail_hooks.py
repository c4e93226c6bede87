"""Wagtail admin integration: our admin actions in Wagtail's audit log."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_people_log_actions(actions):
    actions.register_action("lms.role_grant", _("Grant role"), _("Role granted"))
    actions.register_action("lms.role_revoke", _("Revoke role"), _("Role revoked"))
    actions.register_action("lms.teacher_transfer", _("Transfer teacher"), _("Teacher transferred"))
    actions.register_action("lms.organisation_close", _("Close organisation"), _("Organisation closed"))
    actions.register_action("lms.organisation_reopen", _("Reopen organisation"), _("Organisation reopened"))
    actions.register_action("lms.roster_import", _("Import roster"), _("Roster imported"))
