"""Problems of the jobs API, and the exceptions a handler uses to end a run early."""

from __future__ import annotations

from app.core.errors import Conflict, DomainError, NotFound
from app.jobs.policy import check_code, error_message


class JobNotFound(NotFound):
    code = "jobs.not_found"
    title = {"en": "Job not found", "fr": "Tâche introuvable"}


class JobAlreadyFinished(Conflict):
    code = "jobs.already_finished"
    title = {
        "en": "The job has already finished: there is nothing left to cancel",
        "fr": "La tâche est déjà terminée : il n'y a plus rien à annuler",
    }


class NotJobOwner(DomainError):
    status, code = 403, "jobs.not_owner"
    title = {
        "en": "Only the job's creator or an administrator may cancel it",
        "fr": "Seul le créateur de la tâche ou un administrateur peut l'annuler",
    }


class JobFailed(Exception):
    """Raised by a handler to fail with a stable code and a short non-personal message.

    `retry=False` fails the job at once (bad params will not get better by waiting); the
    default retries with back-off like any other exception, until max_attempts.
    """

    def __init__(self, code: str, message: str = "", *, retry: bool = True) -> None:
        super().__init__(code)
        self.code = check_code(code, "error code")
        self.message = error_message(message)
        self.retry = retry


class JobInterrupted(Exception):
    """Raised by `JobContext.stop_point()`; the worker decides what the interruption means."""


class JobCancelled(JobInterrupted):
    """Someone asked for the job to be cancelled: it ends as `cancelled`."""


class WorkerStopping(JobInterrupted):
    """The worker is shutting down: the job goes back to the queue and resumes elsewhere."""


class LeaseLost(JobInterrupted):
    """Another worker took the job over (this one's lease ran out): stop touching it."""
