from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.crypto import decrypt_text
from lms.identity import protect_id_number
from lms.models import AccessAction, Organisation, OrganisationKind, Teacher, TeacherPosting
from lms.selectors import teachers_visible_to
from lms.teacher_checks import FieldCheckError, check_id_number, check_identity, check_real_name
from lms.vocab import EmploymentStatus, Title

from .audit import access_log_record


@dataclass(frozen=True)
class TeacherInput:
    real_name: str
    id_number: str
    school: Organisation
    stage: str
    subject: str
    title: str = Title.NONE
    title_conferred_on: dt.date | None = None
    qualification_number: str = ""
    employment_status: str = EmploymentStatus.ACTIVE
    gender: str | None = None
    birth_date: dt.date | None = None


def teacher_username(id_hash: str) -> str:
    """Account name derived from the keyed hash: stable across re-imports, reveals nothing."""
    return f"t{id_hash[:16]}"


def _checked(data: TeacherInput) -> tuple[str, dict[str, object]]:
    try:
        name = check_real_name(data.real_name)
        identity = check_identity(
            id_number=check_id_number(data.id_number), gender=data.gender, birth_date=data.birth_date
        )
    except FieldCheckError as exc:
        raise ValidationError(str(exc)) from exc
    if data.school.kind != OrganisationKind.SCHOOL:
        raise ValidationError({"school": _("A teacher's posting must be a school.")})
    fields = {
        "real_name": name,
        "gender": identity.gender,
        "birth_date": identity.birth_date,
        "school": data.school,
        "stage": data.stage,
        "subject": data.subject,
        "title": data.title,
        "title_conferred_on": data.title_conferred_on,
        "qualification_number": data.qualification_number,
        "employment_status": data.employment_status,
    }
    return identity.id_number.value, fields


@transaction.atomic
def teacher_create(*, data: TeacherInput, by: User | None = None, started_on: dt.date | None = None) -> Teacher:
    id_number, fields = _checked(data)
    protected = protect_id_number(id_number)
    if Teacher.objects.filter(id_number_hash=protected.hash).exists():
        raise ValidationError({"id_number": _("A teacher with this ID number already exists.")})
    user = get_user_model().objects.create_user(username=teacher_username(protected.hash), password=None)
    teacher = Teacher(
        user=user,
        id_number_encrypted=protected.encrypted,
        id_number_hash=protected.hash,
        id_number_masked=protected.masked,
        **fields,
    )
    teacher.full_clean()
    teacher.save()
    TeacherPosting.objects.create(
        teacher=teacher, school=teacher.school, started_on=started_on or timezone.localdate(), recorded_by=by
    )
    return teacher


@transaction.atomic
def teacher_update(*, teacher: Teacher, data: TeacherInput, by: User | None = None) -> Teacher:
    """Update the record; a change of school is a transfer and keeps the posting history."""
    id_number, fields = _checked(data)
    if protect_id_number(id_number).hash != teacher.id_number_hash:
        raise ValidationError({"id_number": _("The ID number of an existing teacher cannot be changed here.")})
    new_school = data.school
    fields.pop("school")
    for name, value in fields.items():
        setattr(teacher, name, value)
    teacher.full_clean()
    teacher.save()
    if new_school.pk != teacher.school_id:
        teacher_transfer(teacher=teacher, school=new_school, by=by)
    return teacher


@transaction.atomic
def teacher_transfer(
    *, teacher: Teacher, school: Organisation, by: User | None = None, on: dt.date | None = None, note: str = ""
) -> Teacher:
    if school.kind != OrganisationKind.SCHOOL:
        raise ValidationError({"school": _("A teacher's posting must be a school.")})
    on = on or timezone.localdate()
    TeacherPosting.objects.filter(teacher=teacher, ended_on__isnull=True).update(ended_on=on)
    TeacherPosting.objects.create(teacher=teacher, school=school, started_on=on, note=note, recorded_by=by)
    teacher.school = school
    teacher.save(update_fields=["school", "updated_at"])
    log(instance=teacher, action="lms.teacher_transfer", user=by, data={"school": school.code})
    return teacher


def teacher_id_number_reveal(
    *, actor: User, teacher: Teacher, reason: str, request: HttpRequest | None = None
) -> str:
    """Show the full ID number to someone who may see this teacher, and record who, when and why."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("Say why you need the full ID number (at least 4 characters).")})
    if not teachers_visible_to(actor).filter(pk=teacher.pk).exists():
        raise PermissionDenied(_("This teacher is outside your jurisdiction."))
    access_log_record(actor=actor, action=AccessAction.REVEAL, teacher=teacher, reason=reason, request=request)
    return decrypt_text(teacher.id_number_encrypted)
