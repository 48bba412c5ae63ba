"""The agency's list of general areas (2011 §6.7): where an incident happened, said without a
name or an address. The coordinator adds areas and retires those no longer used (an area an
incident names is never deleted)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from peerline.accounts import policy
from peerline.agencies.models import Agency
from peerline.audit.services import record
from peerline.core import validation

from .models import IncidentArea


@transaction.atomic
def area_add(*, agency: Agency, name: str, by: Any) -> IncidentArea:
    name = " ".join(name.split())
    error = validation.text_error(name, max_length=80) or ("" if name else "Give the area's name.")
    if error:
        raise ValidationError({"name": error})
    existing = agency.incident_areas.filter(name__iexact=name).first()  # type: ignore[attr-defined]
    if existing is not None:
        if existing.active:
            raise ValidationError({"name": f"“{existing.name}” is already on the list."})
        existing.active = True
        existing.save(update_fields=["active"])
        area = existing
    else:
        area = IncidentArea.objects.create(agency=agency, name=name)
    record("incidents.area_added", by=by, agency=agency, target=str(area.pk))
    return area


@transaction.atomic
def area_retire(*, area: IncidentArea, by: Any) -> None:
    area.active = False
    area.save(update_fields=["active"])
    record("incidents.area_retired", by=by, agency=area.agency, target=str(area.pk))


class AreaForm(forms.Form):
    name = forms.CharField(label="New general area", max_length=80)


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Permission.INCIDENT_ACTIVATE)
def areas(request: policy.AgencyRequest) -> HttpResponse:
    """The list, a form to add one and a button to retire each (POST)."""
    agency = request.agency
    form = AreaForm(request.POST if request.POST.get("action") == "add" else None)
    status = 200
    if request.method == "POST":
        retire = request.POST.get("retire", "")
        if retire.isascii() and retire.isdigit() and len(retire) < 12:
            area = policy.scoped_or_404(IncidentArea.objects, request, pk=int(retire))
            area_retire(area=area, by=request.user)
            messages.success(request, f"“{area.name}” is retired: it is no longer offered.")
            return redirect("incidents:areas")
        if form.is_valid():
            try:
                area = area_add(agency=agency, name=form.cleaned_data["name"], by=request.user)
            except ValidationError as error:
                form.add_error("name", error.message_dict["name"])
            else:
                messages.success(request, f"“{area.name}” is on the list.")
                return redirect("incidents:areas")
        status = 400
    listed = agency.incident_areas.filter(active=True)  # type: ignore[attr-defined]
    return render(request, "incidents/areas.html", {"form": form, "areas": listed}, status=status)
