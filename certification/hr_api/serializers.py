"""Response shapes of the HR API; the views fill them from presenters' dicts, so the schema is the output."""

from __future__ import annotations

from rest_framework import serializers


def _hours() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=9, decimal_places=1, coerce_to_string=False)


class CodeLabel(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(help_text="In the request's language (zh-hans by default).")


class OrganisationRef(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class LevelRef(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    rank = serializers.IntegerField()


class LevelHeld(LevelRef):
    certificate_number = serializers.CharField()
    valid_until = serializers.DateField()


class Teacher(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number_masked = serializers.CharField(help_text="Masked: the first four and last four characters.")
    gender = CodeLabel()
    school = OrganisationRef()
    county = OrganisationRef(allow_null=True)
    stage = CodeLabel()
    subject = CodeLabel()
    title = CodeLabel()
    employment_status = CodeLabel()
    certification_level = LevelHeld(allow_null=True, help_text="The highest level of a valid, unexpired certificate.")


class CertificateSummary(serializers.Serializer):
    number = serializers.CharField()
    level = LevelRef()
    status = CodeLabel(help_text="valid / expired / suspended / revoked, as of today.")
    issued_on = serializers.DateField()
    valid_until = serializers.DateField()


class TeacherDetail(Teacher):
    title_conferred_on = serializers.DateField(allow_null=True)
    certificates = CertificateSummary(many=True)


class TeacherPage(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = Teacher(many=True)


class CertificateEvent(serializers.Serializer):
    kind = CodeLabel()
    reason = CodeLabel(allow_null=True)
    reason_text = serializers.CharField(allow_blank=True)
    effective_on = serializers.DateField()
    recorded_at = serializers.DateTimeField()


class Certificate(CertificateSummary):
    issuer = OrganisationRef()
    mode = CodeLabel()
    events = CertificateEvent(many=True)


class Holder(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number_masked = serializers.CharField()


class CertificateWithHolder(Certificate):
    holder = Holder()


class TeacherCertificates(serializers.Serializer):
    teacher_id = serializers.IntegerField()
    results = Certificate(many=True)


class KindHours(serializers.Serializer):
    kind = CodeLabel()
    hours = _hours()


class YearHours(serializers.Serializer):
    year = serializers.IntegerField()
    total = _hours()
    by_kind = KindHours(many=True)


class Shortfall(serializers.Serializer):
    year = serializers.IntegerField()
    short_by = _hours()


class Cycle(serializers.Serializer):
    start_year = serializers.IntegerField()
    end_year = serializers.IntegerField()
    target = _hours()
    total = _hours()
    counted = _hours()  # after the policy's caps per kind
    remaining = _hours()
    reached = serializers.BooleanField()
    by_kind = KindHours(many=True)
    yearly_minimum = _hours()
    yearly_shortfalls = Shortfall(many=True)


class Policy(serializers.Serializer):
    version = serializers.IntegerField()
    name = serializers.CharField()


class TeacherHours(serializers.Serializer):
    teacher_id = serializers.IntegerField()
    policy = Policy()
    total = _hours()
    by_year = YearHours(many=True)
    cycles = Cycle(many=True)


class Check(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField()
    figures = serializers.CharField(help_text="The reason: the figures behind the check.")


class TitleResult(serializers.Serializer):
    target = CodeLabel()
    rule_version = serializers.IntegerField(allow_null=True)
    eligible = serializers.BooleanField()
    checks = Check(many=True)


class LevelResult(serializers.Serializer):
    level = LevelRef()
    rule_version = serializers.IntegerField(allow_null=True)
    eligible = serializers.BooleanField()
    checks = Check(many=True)


class TeacherEligibility(serializers.Serializer):
    teacher_id = serializers.IntegerField()
    titles = TitleResult(many=True)
    levels = LevelResult(many=True)


class Client(serializers.Serializer):
    name = serializers.CharField()
    contact = serializers.CharField(allow_blank=True)
    jurisdiction = OrganisationRef()
    jurisdiction_kind = CodeLabel()
    scopes = CodeLabel(many=True)
    rate_per_minute = serializers.IntegerField()


class ErrorInner(serializers.Serializer):
    code = serializers.CharField(help_text="not_authenticated, key_unknown, key_malformed, key_revoked, scope_missing, "
                                 "not_in_jurisdiction, invalid_parameter, throttled, not_found, method_not_allowed")
    message = serializers.CharField()
    detail = serializers.DictField(help_text='For invalid_parameter: {"parameter": ["message"]}.')


class Error(serializers.Serializer):
    error = ErrorInner()
