"""The data model, split by feature; import models from here."""

from .audit import AuditEvent
from .content import Course, CourseAsset, CourseVersion, Module, ModuleText, Question
from .learning import Enrolment, ModuleProgress
from .people import Institution, Province, Region, Role, User
from .quizzes import QuizAttempt
from .types import UTCDateTime, utcnow

__all__ = [
    "AuditEvent",
    "Course",
    "CourseAsset",
    "CourseVersion",
    "Enrolment",
    "Institution",
    "Module",
    "ModuleProgress",
    "ModuleText",
    "Province",
    "Question",
    "QuizAttempt",
    "Region",
    "Role",
    "UTCDateTime",
    "User",
    "utcnow",
]
