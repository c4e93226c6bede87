"""OpenAPI description of the key scheme: a bearer key, or the same key in X-Api-Key (either will do)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "certification.hr_api.authentication.ApiKeyAuthentication"
    name = ["ApiKeyBearer", "ApiKeyHeader"]

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[Any]]]:
        return [{"ApiKeyBearer": []}, {"ApiKeyHeader": []}]  # one or the other

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        description = (
            "The key an administrator issued (shown once): `<prefix>.<secret>`. "
            "Bound to one jurisdiction and to scopes; revocable; rate-limited per key."
        )
        return [
            {"type": "http", "scheme": "bearer", "bearerFormat": "<prefix>.<secret>", "description": description},
            {"type": "apiKey", "in": "header", "name": "X-Api-Key", "description": description},
        ]
