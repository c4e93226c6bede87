"""The certificate PDF: Chinese text really there (extracted, not looked at), the CJK font embedded, the QR
code of the verification payload, the seal, the issuer's wording; a missing font is an error, not boxes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from certification.models import Certificate
from certification.pdf.fonts import CertificateFontError
from certification.pdf.qr import qr_matrix
from certification.pdf.render import certificate_pdf_bytes
from tests.certification.test_pdf_support import (
    pdf_file,
    pdf_fonts,
    pdf_image_files,
    pdf_images,
    pdf_pages,
    pdf_text,
    qr_modules_of,
    seal_image_make,
)
from tests.certification_setup import cert_world, certificate_make
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db
QR_TEXT = "https://lms.example.cn/verify/9901012026000001/?p=eyJuIjoiOTkwMTAxMjAyNjAwMDAwMSJ9.c2lnbmF0dXJl"


@pytest.fixture
def world(tree):
    return cert_world(tree)


@pytest.fixture
def certificate(world) -> Certificate:
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="欧阳晓燕")
    made = certificate_make(
        teacher=teacher, rule=world.basic_rule, issuer=world.county_issuer, issued_on=dt.date(2026, 12, 5),
        valid_until=dt.date(2031, 12, 4),
    )
    return Certificate.objects.select_related("level", "issuer__organisation", "issuer__seal_image").get(pk=made.pk)


def test_the_pdf_prints_the_holder_level_issuer_number_and_dates_in_chinese(certificate, tmp_path):
    path = pdf_file(tmp_path, certificate_pdf_bytes(certificate=certificate, qr_text=QR_TEXT))
    text = pdf_text(path)
    assert pdf_pages(path) == 1
    for expected in ("欧阳晓燕", "初级", "甲一县教育局", certificate.number, "2026年12月5日", "2031年12月4日",
                     "教师信息技术应用能力等级证书", "局长 李华", "证书编号"):
        assert expected in text, expected
    # The default wording with its placeholders filled.
    assert "经考核，欧阳晓燕同志达到中小学教师信息技术应用能力初级要求，特发此证。" in text


def test_the_cjk_font_is_embedded(certificate, tmp_path):
    path = pdf_file(tmp_path, certificate_pdf_bytes(certificate=certificate, qr_text=QR_TEXT))
    cjk = [font for font in pdf_fonts(path) if "wenquanyi" in font["name"].lower()]
    assert cjk and all(font["emb"] == "yes" for font in cjk)


def test_the_qr_code_is_the_verification_payload(certificate, tmp_path):
    path = pdf_file(tmp_path, certificate_pdf_bytes(certificate=certificate, qr_text=QR_TEXT))
    images = pdf_image_files(path, tmp_path / "images")
    assert len(images) == 1  # no seal set: the QR code is the only image
    expected = qr_matrix(QR_TEXT)
    assert np.array_equal(qr_modules_of(images[0], modules=expected.shape[0]), expected)


def test_the_qr_code_carries_the_signed_payload_by_default(certificate, tmp_path):
    from certification.verify.signing import certificate_qr_text, qr_payload_verify

    path = pdf_file(tmp_path, certificate_pdf_bytes(certificate=certificate))
    text = certificate_qr_text(certificate=certificate)
    assert qr_payload_verify(payload=text.split("?p=", 1)[1])["n"] == certificate.number
    expected = qr_matrix(text)
    (image,) = pdf_image_files(path, tmp_path / "images")
    assert np.array_equal(qr_modules_of(image, modules=expected.shape[0]), expected)


def test_the_seal_appears_when_the_issuer_has_one(certificate, tmp_path):
    issuer = certificate.issuer
    issuer.seal_image = seal_image_make()
    issuer.save()
    path = pdf_file(tmp_path, certificate_pdf_bytes(certificate=certificate, qr_text=QR_TEXT))
    images = [row for row in pdf_images(path) if row["type"] == "image"]
    assert len(images) == 2
    assert {"300"} <= {row["width"] for row in images}  # the seal, at its own size
    assert any(row["type"] == "smask" for row in pdf_images(path))  # its transparency kept


def test_the_issuers_wording_title_signature_and_footer_are_used(certificate, tmp_path):
    issuer = certificate.issuer
    issuer.certificate_title = "信息技术能力提升工程合格证书"
    issuer.body_text = "兹证明{name}于{issued_on}取得{level}证书，有效期至{valid_until}。{name.__class__}{unknown}"
    issuer.signature_line = "局长（签章）赵六"
    issuer.footer_text = "请登录核验平台查验"
    issuer.save()
    text = pdf_text(pdf_file(tmp_path, certificate_pdf_bytes(certificate=certificate, qr_text=QR_TEXT)))
    flat = "".join(text.split())
    assert "信息技术能力提升工程合格证书" in flat
    assert "兹证明欧阳晓燕于2026年12月5日取得初级证书，有效期至2031年12月4日。" in flat
    assert "{name.__class__}{unknown}" in flat  # only the four placeholders are filled in
    assert "局长（签章）赵六" in flat and "请登录核验平台查验" in flat


def test_the_certificate_is_printed_in_chinese_whatever_the_callers_language(certificate, tmp_path):
    from django.utils import translation

    with translation.override("en"):
        pdf = certificate_pdf_bytes(certificate=certificate, qr_text=QR_TEXT)
    text = pdf_text(pdf_file(tmp_path, pdf))
    assert "2026年12月5日" in text and "证书编号" in text


def test_a_missing_font_is_an_error_naming_the_path(certificate, settings):
    settings.CERTIFICATE_FONT_PATH = "/nonexistent/fonts/wqy-microhei.ttc"
    with pytest.raises(CertificateFontError, match="/nonexistent/fonts/wqy-microhei.ttc"):
        certificate_pdf_bytes(certificate=certificate, qr_text=QR_TEXT)


def test_a_font_without_chinese_is_refused_rather_than_printing_boxes(certificate, settings):
    settings.CERTIFICATE_FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    with pytest.raises(CertificateFontError, match="no glyph for"):
        certificate_pdf_bytes(certificate=certificate, qr_text=QR_TEXT)


def test_a_name_the_font_cannot_draw_is_refused(certificate):
    certificate.holder_name = "王\U0002a6a5"  # an extension-B character WenQuanYi Micro Hei lacks
    with pytest.raises(CertificateFontError, match="no glyph for"):
        certificate_pdf_bytes(certificate=certificate, qr_text=QR_TEXT)
