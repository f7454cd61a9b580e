"""Forms (Flask-WTF, so each carries a CSRF token)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class ProfileForm(FlaskForm):
    """The fields a user may change about themselves; role and email are not among them."""

    name_latin = StringField(
        _l("Name (Latin script)"), validators=[DataRequired(), Length(max=200)]
    )
    name_arabic = StringField(_l("Name (Arabic script)"), validators=[Optional(), Length(max=200)])
    region = SelectField(_l("Region"), coerce=str, validators=[Optional()])
    province = SelectField(_l("Province or prefecture"), coerce=str, validators=[Optional()])
    institution = StringField(_l("Institution"), validators=[Optional(), Length(max=200)])
    job_function = StringField(_l("Job function"), validators=[Optional(), Length(max=120)])
    preferred_language = SelectField(_l("Preferred language"), coerce=str)


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
