"""The data model, split by feature; import models from here."""

from .assignments import Assignment, assignment_learner
from .audit import AuditEvent
from .authoring import CourseAuthor, CourseDraft, DraftFile, SourceFile
from .certificates import Certificate, CertificatePdf
from .content import Course, CourseAsset, CourseVersion, Module, ModuleText, Question
from .learning import Enrolment, ModuleProgress
from .offline import OfflineSubmission
from .people import Institution, Province, Region, Role, User
from .practical_work import (
    PracticalWork,
    Review,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)
from .profile_changes import ProfileChangeRequest, RequestStatus
from .quizzes import QuizAttempt
from .report_counters import ReportCounter
from .security import PasswordResetToken, RateLimitHit, RecoveryCode
from .sessions import (
    SessionAttendance,
    SessionDay,
    SessionNotice,
    SessionRegistration,
    SurveyAnswer,
    SurveyResponse,
    TrainingSession,
    session_trainer,
)
from .types import UTCDateTime, utcnow

__all__ = [
    "Assignment",
    "AuditEvent",
    "Certificate",
    "CertificatePdf",
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
    "PracticalWork",
    "ProfileChangeRequest",
    "Province",
    "Question",
    "QuizAttempt",
    "RateLimitHit",
    "RecoveryCode",
    "Region",
    "ReportCounter",
    "RequestStatus",
    "Review",
    "Role",
    "SessionAttendance",
    "SessionDay",
    "SessionNotice",
    "SessionRegistration",
    "SourceFile",
    "Submission",
    "SubmissionFile",
    "SubmissionStatus",
    "SurveyAnswer",
    "SurveyResponse",
    "TrainingSession",
    "UTCDateTime",
    "User",
    "assignment_learner",
    "session_trainer",
    "utcnow",
]
