"""Domain errors carry the text shown to the user; they are mapped to HTTP once, in ``register_error_handlers``."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException


class AwardsError(Exception):
    """Base of every error the domain raises on purpose."""

    status = 400
    code = "error"

    def __init__(self, message: str | None = None, *, details: dict | list | None = None) -> None:
        super().__init__(message or self.default_message())
        self.message = message or self.default_message()
        self.details = details

    def default_message(self) -> str:
        return _("Yêu cầu không hợp lệ.")


class ValidationFailed(AwardsError):
    status = 422
    code = "validation_error"

    def default_message(self) -> str:
        return _("Dữ liệu không hợp lệ.")


class PermissionDenied(AwardsError):
    status = 403
    code = "forbidden"

    def default_message(self) -> str:
        return _("Bạn không có quyền thực hiện thao tác này.")


class NotFound(AwardsError):
    """Also raised for records outside the user's scope, so their existence does not leak."""

    status = 404
    code = "not_found"

    def default_message(self) -> str:
        return _("Không tìm thấy.")


class StaleRecord(AwardsError):
    status = 409
    code = "conflict"

    def default_message(self) -> str:
        return _("Bản ghi đã được người khác thay đổi. Hãy tải lại trang và thực hiện lại.")


ERROR_TITLES = {
    400: _l("Yêu cầu không hợp lệ"),
    401: _l("Cần đăng nhập"),
    403: _l("Không có quyền truy cập"),
    404: _l("Không tìm thấy trang"),
    405: _l("Phương thức không được phép"),
    409: _l("Xung đột dữ liệu"),
    413: _l("Tệp quá lớn"),
    422: _l("Dữ liệu không hợp lệ"),
    429: _l("Quá nhiều yêu cầu"),
    500: _l("Lỗi hệ thống"),
}

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "validation_error",
              429: "too_many_requests", 500: "internal_error"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str, code: str | None = None, details=None):
    """The one shape of every error: JSON under /api/, a Vietnamese page elsewhere."""
    if wants_json():
        body = {"code": code or HTTP_CODES.get(status, "error"), "message": message, "status": status}
        if details:
            body["errors"] = details
        return jsonify(body), status
    return render_template("errors/error.html", status=status, title=str(ERROR_TITLES.get(status, _l("Lỗi"))),
                           message=message), status


def register_error_handlers(app: Flask) -> None:
    from awards.extensions import db

    @app.errorhandler(AwardsError)
    def handle_domain_error(exc: AwardsError):
        db.session.rollback()
        return error_response(exc.status, exc.message, exc.code, exc.details)

    @app.errorhandler(StaleDataError)
    def handle_stale(exc):
        return handle_domain_error(StaleRecord())

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        if exc.code and exc.code < 400:
            return exc
        db.session.rollback()
        details = None
        data = getattr(exc, "data", None)  # webargs/flask-smorest put validation messages here
        if isinstance(data, dict) and "messages" in data:
            details = data["messages"]
        return error_response(exc.code or 500, str(ERROR_TITLES.get(exc.code, _l("Lỗi"))), details=details)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        if app.testing and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise exc
        return error_response(500, str(ERROR_TITLES[500]))
