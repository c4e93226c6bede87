"""Verification anyone can do: signed QR payloads, published issuer keys, public look-up pages, Open Badges 3.0."""
