"""Learning: catalogue, enrolment, progress, quizzes, grading, assignments."""
