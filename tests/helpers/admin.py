"""Account forms as an administrator fills them."""

import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import User

ACCOUNT = {
    "email": "new@example.ma",
    "name_latin": "Nouvelle Personne",
    "name_arabic": "شخص جديد",
    "role": "learner",
    "region": "souss-massa",
    "province": "tiznit",
    "institution": "Commune de Tiznit",
    "job_function": "Agente",
    "preferred_language": "ar",
}


def _users(app) -> dict[str, User]:
    with app.app_context():
        users = db.session.scalars(sa.select(User)).all()
        for user in users:
            db.session.expunge(user)
        return {user.email: user for user in users}
