"""Forms (Flask-WTF, so each carries a CSRF token)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])


class ProfileForm(FlaskForm):
    """The fields a user may change about themselves; role and email are not among them.

    Staff get no region or province field (the view removes them): those are their scope.
    """

    name_latin = StringField(
        _l("Name (Latin script)"), validators=[DataRequired(), Length(max=200)]
    )
    name_arabic = StringField(_l("Name (Arabic script)"), validators=[Optional(), Length(max=200)])
    region = SelectField(_l("Region"), coerce=str, validators=[Optional()])
    province = SelectField(_l("Province or prefecture"), coerce=str, validators=[Optional()])
    institution = StringField(_l("Institution"), validators=[Optional(), Length(max=200)])
    institution_type = SelectField(_l("Type of institution"), coerce=str, default="")
    job_function = StringField(_l("Job function"), validators=[Optional(), Length(max=120)])
    post_category = SelectField(_l("Category of post"), coerce=str, default="")
    sex = SelectField(_l("Sex"), coerce=str, default="not_stated")
    preferred_language = SelectField(_l("Preferred language"), coerce=str)


class DecisionForm(FlaskForm):
    """A coordinator's answer to a profile change request; a refusal says why."""

    reason = TextAreaField(_l("Reason (shown to the person)"), validators=[Length(max=500)])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])


class AssignmentForm(FlaskForm):
    """A course for a group (region, province, institution, job function) or chosen learners.

    Choices are not validated by WTForms: the view checks every value against the
    coordinator's scope, so a tampered value gets a 404 like any other door.
    """

    course = SelectField(_l("Course"), coerce=str, validate_choice=False)
    due_on = DateField(_l("Due date"), validators=[DataRequired()])
    region = SelectField(_l("Region"), coerce=str, validate_choice=False)
    province = SelectField(_l("Province or prefecture"), coerce=str, validate_choice=False)
    institution = SelectField(_l("Institution"), coerce=str, validate_choice=False)
    job_function = SelectField(_l("Job function"), coerce=str, validate_choice=False)
    learners = TextAreaField(
        _l("Or chosen learners: their email addresses, one per line"),
        validators=[Optional(), Length(max=40_000)],
    )


class DueDateForm(FlaskForm):
    """A new due date for an assignment."""

    due_on = DateField(_l("New due date"), validators=[DataRequired()])


class TwoFactorCodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[DataRequired(), Length(max=32)],
    )


class TwoFactorEnrolForm(FlaskForm):
    """The first code, while setting up: no recovery code exists yet, so none is mentioned."""

    code = StringField(
        _l("A current code from your app"), validators=[DataRequired(), Length(max=32)]
    )


class TwoFactorOffForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=1024)])
    code = StringField(
        _l("A current code from your app"), validators=[DataRequired(), Length(max=32)]
    )


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(
        _l("The same password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


class AccountForm(FlaskForm):
    """An account as an administrator edits it; role and region choices follow their rights."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name_latin = StringField(
        _l("Name (Latin script)"), validators=[DataRequired(), Length(max=200)]
    )
    name_arabic = StringField(_l("Name (Arabic script)"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), coerce=str)
    region = SelectField(_l("Region"), coerce=str)
    province = SelectField(_l("Province or prefecture"), coerce=str)
    institution = StringField(_l("Institution"), validators=[Optional(), Length(max=200)])
    institution_type = SelectField(_l("Type of institution"), coerce=str, default="")
    job_function = StringField(_l("Job function"), validators=[Optional(), Length(max=120)])
    post_category = SelectField(_l("Category of post"), coerce=str, default="")
    sex = SelectField(_l("Sex"), coerce=str, default="not_stated")
    preferred_language = SelectField(_l("Preferred language"), coerce=str)


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file (UTF-8)"), validators=[FileRequired()])


class EraseForm(FlaskForm):
    confirm_email = StringField(
        _l("Type the person's email address to confirm"),
        validators=[DataRequired(), Length(max=254)],
    )
