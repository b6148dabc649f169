"""The certificates of a decision as one PDF, made by a background job (one ``CertificateJob`` per decision).

``request_certificates`` is idempotent: a done job with its file is returned as is, a queued or running one is
returned (the page shows its progress), a failed one (or a done one whose file is gone, or one whose worker died,
see ``is_stale``) is queued again with ``attempts + 1``; otherwise the job is created.

Where the job runs:
- ``JOBS_INLINE`` (tests): at once, in the caller's transaction (progress is flushed, not committed).
- ``REDIS_URL`` set: an RQ job on the ``certificates`` queue (``rq worker certificates --url $REDIS_URL``), given
  the job's id only.
- otherwise: a detached local worker process, ``python -m awards.decisions.jobs <id>``, with the same
  environment (it builds its app with ``create_app()`` from that environment).

Enqueue after commit: the request commits once, in ``after_request``, so the worker must not look for the row
before that. The job id waits in ``session.info`` and a Session ``after_commit`` listener hands it to RQ or the
worker process once the row is committed; a rollback forgets it (the row is gone too).

The worker (``run_job``) claims the job with ``UPDATE … WHERE state = 'queued'`` (two workers cannot both run
it), commits its progress, writes the PDF under ``DOCUMENT_DIR`` with a temporary name and ``os.replace``-s it
into place before marking the job done with its SHA-256 and size — so ``done`` always means a whole file. Any
exception marks the job failed with the error and removes the temporary file. Every write of the worker is
fenced by the attempt number it claimed: after a retry, a late worker of an earlier attempt changes nothing.
"""
from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from awards.core.errors import NotFound, PermissionDenied
from awards.core.models import utcnow
from awards.decisions.certificates import printable_items, render_decision_certificates
from awards.decisions.models import CertificateJob, Decision, DecisionKind, DecisionState, JobState
from awards.decisions.operations import NotAllowedNow, can_manage
from awards.documents.render import sha256
from awards.extensions import db
from awards.org.models import User

__all__ = ["QUEUE", "certificate_path", "download_name", "has_file", "is_stale", "job_for", "request_certificates",
           "retry_certificates", "run_job", "status"]

log = logging.getLogger(__name__)
QUEUE = "certificates"
PENDING = "awards.certificate_jobs"  # key in Session.info: jobs to hand over once the transaction commits
# A running job that has not finished after this long is taken for dead (its worker crashed or was killed) and
# may be retried; 1,000 certificates take well under a minute (docs/certificates.md).
DEFAULT_STALE_AFTER = timedelta(minutes=15)


class JobSuperseded(RuntimeError):
    """The job was retried (or finished) by someone else while this worker ran: stop without writing."""


# --- paths and state -----------------------------------------------------------------------------------------

def certificate_path(job: CertificateJob) -> Path:
    """The job's file under ``DOCUMENT_DIR`` (a done job's ``path``, relative, under a random name)."""
    if not job.path:
        raise ValueError(f"certificate job {job.id} has no file yet")
    root = Path(current_app.config["DOCUMENT_DIR"]).resolve()
    path = (root / job.path).resolve()
    if not path.is_relative_to(root):  # the column is ours, but a path never leaves the folder
        raise ValueError(f"certificate job {job.id}: path outside DOCUMENT_DIR")
    return path


def download_name(decision: Decision) -> str:
    return f"giay-khen-{decision.number or 0:02d}-{decision.year}.pdf"


def job_for(decision: Decision) -> CertificateJob | None:
    return db.session.scalar(select(CertificateJob).where(CertificateJob.decision_id == decision.id))


def has_file(job: CertificateJob) -> bool:
    return bool(job.path) and certificate_path(job).is_file()


def is_stale(job: CertificateJob, now=None) -> bool:
    """A queued or running job whose worker is taken for dead: it may be retried."""
    if job.state not in (JobState.QUEUED, JobState.RUNNING):
        return False
    limit = current_app.config.get("CERTIFICATE_JOB_STALE_AFTER", DEFAULT_STALE_AFTER)
    since = job.started_at if job.state == JobState.RUNNING else job.created_at
    if since is None:
        return False
    if since.tzinfo is None:  # SQLite hands back naive datetimes (stored as UTC)
        since = since.replace(tzinfo=utcnow().tzinfo)
    return (now or utcnow()) - since > limit


def status(job: CertificateJob | None) -> dict:
    """The progress as plain values (the JSON status endpoint and the page)."""
    if job is None:
        return {"state": "none", "done": 0, "total": 0, "percent": 0, "error": "", "attempts": 0,
                "stale": False}
    percent = 100 if job.state == JobState.DONE else (100 * job.done_count // job.total if job.total else 0)
    return {"state": str(job.state.value), "done": job.done_count, "total": job.total, "percent": percent,
            "error": job.error if job.state == JobState.FAILED else "", "attempts": job.attempts,
            "stale": is_stale(job), "size": job.size if job.state == JobState.DONE else 0}


# --- requesting ----------------------------------------------------------------------------------------------

def _check(decision: Decision, actor: User) -> None:
    if not can_manage(actor, decision.issuer):
        raise PermissionDenied(_("Chỉ bộ phận tổ chức cán bộ (HR) hoặc quản trị của đơn vị ban hành mới in được "
                                 "giấy khen."))
    if decision.kind != DecisionKind.AWARD or decision.state != DecisionState.ISSUED:
        raise NotAllowedNow(_("Chỉ in giấy khen của quyết định khen thưởng đã ban hành."))
    if not printable_items(decision):
        raise NotAllowedNow(_("Quyết định không còn ai để in giấy khen."))


def _requeue(job: CertificateJob, actor: User, inline: bool = False) -> CertificateJob:
    job.state, job.done_count, job.error = JobState.QUEUED, 0, ""
    job.total = len(printable_items(job.decision))
    job.started_at = job.finished_at = None
    job.attempts += 1
    job.requested_by_id = actor.id
    db.session.flush()
    _enqueue(job, inline)
    return job


def request_certificates(decision: Decision, *, actor: User, inline: bool = False) -> CertificateJob:
    """Ensure the certificates of an issued award decision exist or are being made; the job (see module doc).
    ``inline``: make them now, in the caller's transaction (the demo seed, the CLI), whatever the settings."""
    _check(decision, actor)
    job = job_for(decision)
    if job is None:
        job = CertificateJob(decision=decision, state=JobState.QUEUED, total=len(printable_items(decision)),
                             attempts=1, requested_by_id=actor.id)
        db.session.add(job)
        db.session.flush()
        _enqueue(job, inline)
        return job
    if job.state == JobState.DONE and has_file(job):
        return job
    if job.state in (JobState.QUEUED, JobState.RUNNING) and not is_stale(job):
        return job
    return _requeue(job, actor, inline)


def retry_certificates(decision: Decision, *, actor: User) -> CertificateJob:
    """Queue a failed job again (or a dead one, or a done one whose file is missing); a live one is refused."""
    _check(decision, actor)
    job = job_for(decision)
    if job is None:
        raise NotFound(_("Chưa có yêu cầu in giấy khen cho quyết định này."))
    if job.state == JobState.DONE and has_file(job):
        return job
    if job.state in (JobState.QUEUED, JobState.RUNNING) and not is_stale(job):
        raise NotAllowedNow(_("Giấy khen đang được tạo: chờ kết quả trước khi thử lại."))
    return _requeue(job, actor)


# --- dispatching after commit --------------------------------------------------------------------------------

def _enqueue(job: CertificateJob, inline: bool = False) -> None:
    config = current_app.config
    if inline or config.get("JOBS_INLINE"):
        run_job(job.id, commit=False)
        return
    mode = ("rq", config["REDIS_URL"]) if config.get("REDIS_URL") else ("process", None)
    pending = db.session.info.setdefault(PENDING, {})
    pending[job.id] = mode


@event.listens_for(Session, "after_commit")
def _dispatch_committed(session: Session) -> None:
    for job_id, (mode, redis_url) in session.info.pop(PENDING, {}).items():
        try:
            if mode == "rq":
                _dispatch_rq(job_id, redis_url)
            else:
                _dispatch_process(job_id)
        except Exception:  # noqa: BLE001 — the request has committed: never turn that into an error page
            log.exception("certificate job %s: could not hand over (%s); starting a local worker", job_id, mode)
            try:
                _dispatch_process(job_id)
            except Exception:  # noqa: BLE001 — it stays queued, and becomes retryable once stale
                log.exception("certificate job %s: no local worker either", job_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(PENDING, None)


def _dispatch_rq(job_id: int, redis_url: str) -> None:
    from redis import Redis
    from rq import Queue

    queue = Queue(QUEUE, connection=Redis.from_url(redis_url))
    # Only the id crosses the queue: the worker loads everything else itself.
    queue.enqueue("awards.decisions.jobs.run_job", job_id, job_timeout=3600, result_ttl=3600, failure_ttl=86400,
                  description=f"certificates of job {job_id}")


def _dispatch_process(job_id: int) -> subprocess.Popen:
    from awards.config import BASE_DIR

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BASE_DIR), env.get("PYTHONPATH", "")) if p)
    # A new session: the worker outlives the request (and a web worker's restart) and gets no terminal signals.
    return subprocess.Popen([sys.executable, "-m", "awards.decisions.jobs", str(job_id)], cwd=str(BASE_DIR),
                            env=env, start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, close_fds=True)


# --- the worker ----------------------------------------------------------------------------------------------

def run_job(job_id: int, *, commit: bool = True) -> str:
    """Make the certificates of job ``job_id``; returns the final state ("done", "failed", or the state found when
    there was nothing to do). Uses the current app when there is one, else builds it (RQ, the local worker)."""
    if has_app_context():
        return _run(job_id, commit)
    from awards import create_app

    app = create_app()
    with app.app_context():
        try:
            return _run(job_id, commit)
        finally:
            db.session.remove()


def _fenced(job_id: int, attempt: int, **values) -> bool:
    """Write ``values`` only while this attempt is the job's live run; False when it is not any more."""
    result = db.session.execute(
        update(CertificateJob)
        .where(CertificateJob.id == job_id, CertificateJob.attempts == attempt,
               CertificateJob.state == JobState.RUNNING)
        .values(version=CertificateJob.version + 1, **values)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _run(job_id: int, commit: bool) -> str:
    save = db.session.commit if commit else db.session.flush
    attempt = db.session.execute(
        update(CertificateJob).where(CertificateJob.id == job_id, CertificateJob.state == JobState.QUEUED)
        .values(state=JobState.RUNNING, started_at=utcnow(), finished_at=None, done_count=0, error="",
                version=CertificateJob.version + 1)
        .returning(CertificateJob.attempts).execution_options(synchronize_session=False)).scalar_one_or_none()
    save()
    if attempt is None:  # gone, already taken by another worker, or done
        job = db.session.get(CertificateJob, job_id, populate_existing=True)
        log.info("certificate job %s: nothing to do (%s)", job_id, job.state if job else "missing")
        return str(job.state.value) if job is not None else "missing"
    job = db.session.get(CertificateJob, job_id, populate_existing=True)
    decision = job.decision
    relative = f"certificates/{decision.year}/giay-khen-{decision.id}-{secrets.token_hex(8)}.pdf"
    root = Path(current_app.config["DOCUMENT_DIR"])
    final = root / relative
    temporary = final.with_name(f".{final.name}.{os.getpid()}.part")
    try:
        total = len(printable_items(decision))
        if not _fenced(job_id, attempt, total=total):
            raise JobSuperseded()
        save()

        def progress(done: int, total_: int) -> None:
            if not _fenced(job_id, attempt, done_count=min(done, total)):
                raise JobSuperseded()
            save()

        pdf = render_decision_certificates(decision, progress=progress)
        final.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as out:
            out.write(pdf)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, final)  # atomic: the final name only ever holds a whole file
        if not _fenced(job_id, attempt, state=JobState.DONE, path=relative, sha256=sha256(pdf), size=len(pdf),
                       done_count=total, finished_at=utcnow()):
            final.unlink(missing_ok=True)
            raise JobSuperseded()
        save()
        db.session.get(CertificateJob, job_id, populate_existing=True)
        log.info("certificate job %s: %s certificates, %s bytes", job_id, total, len(pdf))
        return "done"
    except JobSuperseded:
        temporary.unlink(missing_ok=True)
        if commit:
            db.session.rollback()
        log.warning("certificate job %s: attempt %s superseded", job_id, attempt)
        return "superseded"
    except Exception as error:  # noqa: BLE001 — every failure is recorded on the job, whatever it was
        temporary.unlink(missing_ok=True)
        if commit:
            db.session.rollback()
        log.exception("certificate job %s failed", job_id)
        message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        _fenced(job_id, attempt, state=JobState.FAILED, error=str(message)[:2000], finished_at=utcnow())
        save()
        db.session.get(CertificateJob, job_id, populate_existing=True)
        return "failed"


def main(argv: list[str] | None = None) -> int:
    """``python -m awards.decisions.jobs JOB_ID``: the local worker process."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].isdigit():
        print("usage: python -m awards.decisions.jobs JOB_ID", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return 0 if run_job(int(args[0])) == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
