"""The awards application: ``create_app`` binds extensions, blueprints, CLI and error handlers."""
from __future__ import annotations

from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_login import current_user

from awards.config import Config
from awards.core import formatting
from awards.core.database import configure_engine
from awards.core.errors import StaleRecord, error_response, register_error_handlers

from awards.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate


def _select_locale() -> str:
    if not has_request_context():  # CLI commands and jobs speak the default language
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "vi") if has_app_context() else "vi"
    chosen = session.get("locale")
    if not chosen and getattr(current_user, "is_authenticated", False):
        chosen = current_user.locale
    return chosen if chosen in ("vi", "en") else "vi"


def create_app(config: Config | type[Config] | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    if config is None:
        config = Config()
    elif isinstance(config, type):
        config = config()
    app.config.from_object(config)

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale,
                   default_translation_directories=str(app.root_path + "/../translations"))
    bootstrap.init_app(app)
    limiter.init_app(app)

    _register_models()
    _register_workflows()
    _register_blueprints(app)
    _register_cli(app)
    _register_templating(app)
    _register_request_cycle(app)
    register_error_handlers(app)  # after api.init_app, whose own HTTPException handler it replaces
    return app


def _register_models() -> None:
    # Import every model module so Alembic and the mapper registry see all tables.
    import awards.catalogue.models  # noqa: F401
    import awards.clusters.models  # noqa: F401
    import awards.councils.models  # noqa: F401
    import awards.decisions.models  # noqa: F401
    import awards.documents.models  # noqa: F401
    import awards.imports.models  # noqa: F401
    import awards.initiatives.models  # noqa: F401
    import awards.metrics.models  # noqa: F401
    import awards.nominations.models  # noqa: F401
    import awards.org.models  # noqa: F401
    import awards.reminders.models  # noqa: F401


def _register_workflows() -> None:
    # Every workflows.engine.fire writes its audit row through the request's database session.
    from awards.nominations.storage import install

    install()


def _register_blueprints(app: Flask) -> None:
    from awards.admin.views import bp as admin_bp
    from awards.api import register_api
    from awards.auth.views import bp as auth_bp
    from awards.catalogue.views import bp as catalogue_bp
    from awards.clusters.views import bp as clusters_bp
    from awards.councils.views import bp as councils_bp
    from awards.decisions.certificate_views import bp as certificates_bp
    from awards.decisions.key_views import bp as signing_keys_bp
    from awards.decisions.verify_views import bp as verify_bp
    from awards.decisions.views import bp as decisions_bp
    from awards.eligibility.views import bp as eligibility_bp
    from awards.imports.views import bp as imports_bp
    from awards.initiatives.views import bp as initiatives_bp
    from awards.metrics.views import bp as metrics_bp
    from awards.nominations.views import bp as nominations_bp
    from awards.org.views import bp as org_bp
    from awards.reminders.views import bp as reminders_bp
    from awards.reports.views import bp as reports_bp
    from awards.search.views import bp as search_bp

    for bp in (auth_bp, org_bp, admin_bp, imports_bp, metrics_bp, initiatives_bp, catalogue_bp, eligibility_bp,
               nominations_bp, councils_bp, clusters_bp, decisions_bp, certificates_bp, verify_bp, signing_keys_bp,
               search_bp, reports_bp, reminders_bp):
        app.register_blueprint(bp)
    register_api(app)


def _register_cli(app: Flask) -> None:
    from awards.decisions.cli import decisions_cli, keys_cli
    from awards.eligibility.cli import awards_cli
    from awards.imports.cli import import_cli
    from awards.org.cli import seed_demo_command, users_cli
    from awards.reminders.cli import notify_cli
    from awards.workflow_cli import workflows_cli

    for command in (import_cli, users_cli, seed_demo_command, awards_cli, workflows_cli, decisions_cli, keys_cli,
                    notify_cli):
        app.cli.add_command(command)


def _register_templating(app: Flask) -> None:
    from awards.org import permissions

    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.globals.update(
        can_manage_org=permissions.can_manage_org,
        can_manage_staff=permissions.can_manage_staff,
        is_admin_anywhere=permissions.is_admin_anywhere,
        is_system_admin=permissions.is_system_admin,
        manages_staff_anywhere=permissions.manages_staff_anywhere,
        current_locale=_select_locale,
    )


def _register_request_cycle(app: Flask) -> None:
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    from awards.auth.loaders import register_loaders

    register_loaders(login_manager)

    @app.after_request
    def _commit(response):
        """One commit per request, only when the request succeeded; anything else is rolled back."""
        if response.status_code >= 400 or g.get("rollback_only"):
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except (StaleDataError, IntegrityError):
            # Someone else changed or created the same record between our read and our write.
            db.session.rollback()
            app.logger.warning("Conflict at commit for %s", request.path, exc_info=True)
            return app.make_response(error_response(409, StaleRecord().message, "conflict"))
        return response
