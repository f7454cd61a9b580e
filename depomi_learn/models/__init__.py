"""The data model, split by feature; import models from here."""

from .assignments import Assignment, assignment_learner
from .audit import AuditEvent
from .authoring import CourseAuthor, CourseDraft, DraftFile, SourceFile
from .certificates import Certificate, RateLimitCounter
from .content import Course, CourseAsset, CourseVersion, Module, ModuleText, Question
from .learning import Enrolment, ModuleProgress
from .offline import OfflineSubmission
from .people import Institution, Province, Region, Role, User
from .profile_changes import ProfileChangeRequest, RequestStatus
from .quizzes import QuizAttempt
from .security import PasswordResetToken, RecoveryCode, SignInAttempt
from .types import UTCDateTime, utcnow

__all__ = [
    "Assignment",
    "AuditEvent",
    "Certificate",
    "Course",
    "CourseAsset",
    "CourseAuthor",
    "CourseDraft",
    "CourseVersion",
    "DraftFile",
    "Enrolment",
    "Institution",
    "Module",
    "ModuleProgress",
    "ModuleText",
    "OfflineSubmission",
    "PasswordResetToken",
    "ProfileChangeRequest",
    "Province",
    "Question",
    "QuizAttempt",
    "RateLimitCounter",
    "RecoveryCode",
    "Region",
    "RequestStatus",
    "Role",
    "SignInAttempt",
    "SourceFile",
    "UTCDateTime",
    "User",
    "assignment_learner",
    "utcnow",
]
