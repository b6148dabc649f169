import click
from flask.cli import AppGroup

users_cli = AppGroup("users", help="Quản lý tài khoản người dùng.")


@click.command("seed-demo")
def seed_demo_command():
    """Load the deterministic demo data (only into an empty database)."""
