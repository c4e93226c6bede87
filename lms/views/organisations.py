"""Browsing the organisation tree within one's jurisdiction; adding, closing and reopening nodes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lms.models import Organisation, OrganisationKind
from lms.models.organisations import ALLOWED_CHILDREN
from lms.roles import TEACHER_VIEWING_ROLES
from lms.selectors import (
    jurisdiction_paths,
    organisation_children,
    organisation_roots_for,
    user_can_manage_organisation,
    user_can_view_teachers,
)
from lms.services import organisation_add_by_admin, organisation_set_active

PAGE_SIZE = 100


class ChildForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=OrganisationKind.choices)
    code = forms.CharField(label=gettext_lazy("Official code"), max_length=20)
    name = forms.CharField(label=gettext_lazy("Organisation name"), max_length=200)

    def __init__(self, *args: object, parent: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_CHILDREN[parent.kind]
        self.fields["kind"].choices = [(k, label) for k, label in OrganisationKind.choices if k in allowed]


def _visible_node(request: HttpRequest, node_id: int) -> Organisation:
    paths = jurisdiction_paths(user=request.user, roles=TEACHER_VIEWING_ROLES)
    node = Organisation.objects.filter(pk=node_id).first()
    if node is None or (paths is not None and not any(node.path.startswith(p) for p in paths)):
        raise Http404(_("No such organisation in your jurisdiction."))
    return node


@login_required
def organisation_tree(request: HttpRequest) -> HttpResponse:
    if not user_can_view_teachers(user=request.user):
        raise PermissionDenied(_("You have no administrator or personnel role that covers organisations."))
    node_id = request.GET.get("node")
    if not node_id:
        roots = list(organisation_roots_for(user=request.user))
        if len(roots) != 1:
            return render(request, "lms/organisation_tree.html", {"roots": roots})
        return redirect(f"{request.path}?node={roots[0].pk}")
    try:
        node = _visible_node(request, int(node_id))
    except ValueError as exc:
        raise Http404(_("No such organisation in your jurisdiction.")) from exc
    return _render_node(request, node, ChildForm(parent=node))


def _render_node(request: HttpRequest, node: Organisation, form: ChildForm, status: int = 200) -> HttpResponse:
    paths = jurisdiction_paths(user=request.user, roles=TEACHER_VIEWING_ROLES)
    ancestors = [a for a in node.get_ancestors() if paths is None or any(a.path.startswith(p) for p in paths)]
    children = organisation_children(organisation=node)
    query = request.GET.get("q", "").strip()
    if query:
        children = children.filter(Q(name__contains=query) | Q(code__startswith=query))
    context = {
        "node": node,
        "ancestors": ancestors,
        "page": Paginator(children, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_manage": user_can_manage_organisation(user=request.user, organisation=node),
        "form": form if ALLOWED_CHILDREN[node.kind] else None,
        "filters": request.GET,
    }
    return render(request, "lms/organisation_tree.html", context, status=status)


@login_required
@require_POST
def organisation_add(request: HttpRequest, node_id: int) -> HttpResponse:
    parent = _visible_node(request, node_id)
    form = ChildForm(request.POST, parent=parent)
    if form.is_valid():
        try:
            child = organisation_add_by_admin(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Added %(name)s.") % {"name": child})
            return redirect(f"{reverse('lms:organisation_tree')}?node={parent.pk}")
    return _render_node(request, parent, form, status=400)


@login_required
@require_POST
def organisation_toggle(request: HttpRequest, node_id: int) -> HttpResponse:
    node = _visible_node(request, node_id)
    try:
        organisation_set_active(actor=request.user, organisation=node, active=not node.is_active)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    parent = node.get_parent()
    return redirect(f"{reverse('lms:organisation_tree')}?node={(parent or node).pk}")
