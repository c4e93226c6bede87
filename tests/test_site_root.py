import pytest

pytestmark = pytest.mark.django_db


def test_site_root_is_the_platform_home_page_in_chinese(client):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "教师信息技术应用能力培训与认证平台" in body
    assert 'href="/accounts/login/"' in body
