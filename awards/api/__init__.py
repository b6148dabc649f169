"""The JSON API, version 1, documented at /api/v1/openapi.json."""
from flask import Flask


def register_api(app: Flask) -> None:
    pass
