"""Forms of the authoring pages. Titles and summaries per language are read by the view."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

ID_RULE = Regexp(r"^[a-z0-9][a-z0-9-]{0,62}$", message=_l("Lowercase letters, digits and '-'."))
LANGUAGES_RULE = Regexp(
    r"^\s*[a-z]{2,3}(-[A-Za-z0-9]{2,8})*(\s*,\s*[a-z]{2,3}(-[A-Za-z0-9]{2,8})*)*\s*$",
    message=_l("Language codes separated by commas, e.g. fr, ar"),
)


class CourseForm(FlaskForm):
    """The metadata of course.yaml."""

    course_id = StringField(_l("Course id (permanent)"), validators=[DataRequired(), ID_RULE])
    label = StringField(_l("Edition label"), validators=[DataRequired(), Length(max=40)])
    languages = StringField(_l("Languages"), validators=[DataRequired(), LANGUAGES_RULE])
    default_language = StringField(
        _l("Default language"), validators=[DataRequired(), Length(max=16)]
    )
    level = SelectField(_l("Level"))
    duration_minutes = IntegerField(
        _l("Duration (minutes)"), validators=[DataRequired(), NumberRange(min=1, max=100_000)]
    )
    audience = StringField(_l("Audience tags, separated by commas"), validators=[Length(max=500)])
    prerequisites = StringField(
        _l("Prerequisite course ids, separated by commas"), validators=[Length(max=500)]
    )
    certificate_enabled = BooleanField(_l("Certificate on completion"))
    validity_months = IntegerField(
        _l("Certificate valid for (months; empty: never expires)"),
        validators=[Optional(), NumberRange(min=1, max=1200)],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.level.choices = [
            ("beginner", _l("Beginner")),
            ("intermediate", _l("Intermediate")),
            ("advanced", _l("Advanced")),
        ]


class ModuleForm(FlaskForm):
    module_id = StringField(_l("Module id (permanent)"), validators=[DataRequired(), ID_RULE])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])


class AuthorForm(FlaskForm):
    email = StringField(_l("Email of the trainer"), validators=[DataRequired(), Length(max=254)])
    owner = BooleanField(_l("Owner (may choose the authors)"))


class ZipForm(FlaskForm):
    archive = FileField(_l("Zip file of the course folder"), validators=[FileRequired()])


class ImageForm(FlaskForm):
    image = FileField(_l("Image (PNG, JPEG or WebP)"), validators=[FileRequired()])
    back_to = HiddenField()
