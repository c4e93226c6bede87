"""Granting and revoking roles at nodes of the tree, by the administrators who cover those nodes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lms.idcard import IdNumberError, parse_id_number
from lms.identity import id_number_hash
from lms.models import Organisation, Role
from lms.selectors import grants_in_jurisdiction, teachers_visible_to, user_can_manage_roles
from lms.services import role_grant_by_admin, role_revoke_by_admin

PAGE_SIZE = 50


class GrantForm(forms.Form):
    person = forms.CharField(label=gettext_lazy("Account name or ID number"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    organisation_code = forms.CharField(label=gettext_lazy("Organisation code"), max_length=20)

    def __init__(self, *args: object, grantor, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.grantor = grantor

    def clean_person(self):
        raw = self.cleaned_data["person"].strip()
        try:
            number = parse_id_number(raw)
        except IdNumberError:
            number = None
        if number is not None:
            teacher = teachers_visible_to(self.grantor).filter(id_number_hash=id_number_hash(number.value)).first()
            if teacher is None:
                raise ValidationError(_("No teacher with this ID number in your jurisdiction."))
            return teacher.user
        user = get_user_model().objects.filter(username=raw, is_active=True).first()
        if user is None:
            raise ValidationError(_("No active account with this name."))
        return user

    def clean_organisation_code(self):
        organisation = Organisation.objects.filter(code=self.cleaned_data["organisation_code"].strip()).first()
        if organisation is None:
            raise ValidationError(_("No organisation has this code."))
        return organisation


def _require_role_manager(request: HttpRequest) -> None:
    if not user_can_manage_roles(user=request.user):
        raise PermissionDenied(_("Only administrators manage roles."))


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    _require_role_manager(request)
    form = GrantForm(request.POST or None, grantor=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                grant = role_grant_by_admin(
                    grantor=request.user,
                    user=form.cleaned_data["person"],
                    role=form.cleaned_data["role"],
                    organisation=form.cleaned_data["organisation_code"],
                )
            except (PermissionDenied, ValidationError) as exc:
                form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("Granted: %(grant)s") % {"grant": grant})
                return redirect("lms:role_list")
        status = 400
    grants = grants_in_jurisdiction(user=request.user).order_by("organisation__path", "role", "user__username")
    who = request.GET.get("who", "").strip()
    if who:
        grants = grants.filter(user__username__icontains=who)
    page = Paginator(grants, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "lms/role_list.html", {"form": form, "page": page, "filters": request.GET}, status=status
    )


@login_required
@require_POST
def role_revoke_view(request: HttpRequest, grant_id: int) -> HttpResponse:
    _require_role_manager(request)
    grant = get_object_or_404(grants_in_jurisdiction(user=request.user), pk=grant_id)
    try:
        role_revoke_by_admin(grantor=request.user, grant=grant)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Revoked: %(grant)s") % {"grant": grant})
    return redirect("lms:role_list")
