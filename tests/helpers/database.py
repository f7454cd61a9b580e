"""The test database: a schema built by the migrations, emptied between tests."""

from pathlib import Path

import flask_migrate
import sqlalchemy as sa
from flask import Flask

from depomi_learn.extensions import db
from depomi_learn.operations.regions import load_reference_regions

ROOT = Path(__file__).resolve().parents[2]


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


REFERENCE_TABLES = {"region", "province", "alembic_version"}


def reset_schema(app: Flask) -> None:
    """Drop everything and build the schema with the migrations, as production does."""
    with app.app_context():
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            else:
                db.metadata.drop_all(connection)
                connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        load_reference_regions()
        db.session.commit()


def delete_rows(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            # Break the course <-> version cycle before deleting in dependency order.
            connection.execute(sa.text("UPDATE course SET current_version_id = NULL"))
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in REFERENCE_TABLES:
                    connection.execute(table.delete())
