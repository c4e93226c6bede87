"""Administrators' pages for HR-system API keys: list, issue (the key shown once), detail, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.api import Organisation

from ..access import regions_administered_by
from ..models import ApiClient, ApiScope
from .forms import ApiClientIssueForm, ApiClientRevokeForm
from .keys import api_client_issue, api_client_revoke, clients_managed_by, user_can_issue_api_keys


def _issuer_check(request: HttpRequest) -> None:
    if not user_can_issue_api_keys(user=request.user):
        raise PermissionDenied(_("Only education bureau administrators manage API keys."))


def _regions(request: HttpRequest) -> QuerySet[Organisation]:
    return regions_administered_by(user=request.user).order_by("path")


def scope_labels(scopes: list[str]) -> str:
    labels = dict(ApiScope.choices)
    return "、".join(str(labels.get(scope, scope)) for scope in scopes)


def _client_for(request: HttpRequest, client_id: int) -> ApiClient:
    """Another bureau's client is a 404, like one that does not exist."""
    _issuer_check(request)
    return get_object_or_404(
        clients_managed_by(user=request.user).select_related("organisation", "created_by", "revoked_by", "service_user"),
        pk=client_id,
    )


@login_required
def api_client_list(request: HttpRequest) -> HttpResponse:
    _issuer_check(request)
    clients = clients_managed_by(user=request.user).select_related("organisation")
    rows = [(client, scope_labels(client.scopes)) for client in clients]
    return render(request, "certification/api_clients/list.html", {"rows": rows})


@login_required
def api_client_issue_view(request: HttpRequest) -> HttpResponse:
    _issuer_check(request)
    form = ApiClientIssueForm(request.POST or None, regions=_regions(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            client, key = api_client_issue(
                actor=request.user, name=data["name"], organisation=data["organisation"], scopes=data["scopes"],
                rate_per_minute=data["rate_per_minute"], contact=data["contact"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Rendered here, never stored: the key cannot be shown again after this page.
            response = render(request, "certification/api_clients/issued.html", {
                "client": client, "key": key, "scopes": scope_labels(client.scopes),
            })
            response["Cache-Control"] = "no-store"
            return response
    status = 400 if form.errors else 200
    return render(request, "certification/api_clients/issue.html", {"form": form}, status=status)


@login_required
def api_client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    return render(request, "certification/api_clients/detail.html", {
        "client": client, "scopes": scope_labels(client.scopes), "form": ApiClientRevokeForm(),
    })


@login_required
@require_POST
def api_client_revoke_view(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    form = ApiClientRevokeForm(request.POST)
    if client.revoked_at is not None:
        messages.info(request, _("This key was already revoked."))
        return redirect("certification:api_client_detail", client.pk)
    if form.is_valid():
        api_client_revoke(actor=request.user, client=client, reason=form.cleaned_data["reason"])
        messages.success(request, _("The key was revoked; the system can no longer call the API with it."))
        return redirect("certification:api_client_detail", client.pk)
    return render(request, "certification/api_clients/detail.html", {
        "client": client, "scopes": scope_labels(client.scopes), "form": form,
    }, status=400)
