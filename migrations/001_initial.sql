-- Judge schema, version 1. Forward-only: change the schema with a new numbered file.

CREATE TABLE problems (
    id              uuid PRIMARY KEY,
    name            text NOT NULL,
    limits          jsonb NOT NULL,          -- {cpuTimeMs, wallTimeMs, memoryKb, processes, outputKb}
    checker         jsonb NOT NULL,          -- {kind, epsilon?, source?, language?}
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX problems_created_at ON problems (created_at DESC, id DESC);

CREATE TABLE problem_tests (
    problem_id      uuid NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    index           int NOT NULL,            -- 1-based, judging order
    input           text NOT NULL,
    expected_output text NOT NULL,
    points          int NOT NULL DEFAULT 1,
    PRIMARY KEY (problem_id, index)
);

CREATE TABLE submissions (
    id              uuid PRIMARY KEY,
    language        text NOT NULL,
    source          text NOT NULL,
    problem_id      uuid REFERENCES problems (id),
    stdin           text,                    -- the "run this snippet" form: no expected output
    limits          jsonb,                   -- the limits in force, complete: the problem's (or the defaults) with the client's overrides, checked against the maxima
    checker         jsonb,                   -- for inline tests with expected output (default {"kind": "lines"}); null for a problem (it carries its own) or a plain run
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'compiling', 'running', 'done')),
    verdict         text CHECK (verdict IN ('AC', 'WA', 'PE', 'TLE', 'MLE', 'OLE', 'RE', 'CE', 'IE')),
    score           int,
    compile_output  text,
    message         text,                    -- why, for IE
    created_at      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz,             -- last time the API handed JudgeSubmission to the broker
    started_at      timestamptz,
    finished_at     timestamptz,
    CHECK ((status = 'done') = (verdict IS NOT NULL))
);

CREATE INDEX submissions_created_at ON submissions (created_at DESC, id DESC);
CREATE INDEX submissions_status ON submissions (status, created_at DESC);
CREATE INDEX submissions_verdict ON submissions (verdict, created_at DESC);
CREATE INDEX submissions_problem ON submissions (problem_id, created_at DESC);

-- Whoever finishes a submission, the API's ?wait=true learns of it at commit: NOTIFY is
-- transactional. Payload: the submission id as text.
CREATE FUNCTION notify_submission_done() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('submission_done', NEW.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER submission_done
    AFTER UPDATE OF status ON submissions
    FOR EACH ROW WHEN (NEW.status = 'done' AND OLD.status IS DISTINCT FROM 'done')
    EXECUTE FUNCTION notify_submission_done();

-- Tests given inline with a submission (the problem's tests live in problem_tests).
CREATE TABLE submission_tests (
    submission_id   uuid NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    index           int NOT NULL,
    input           text NOT NULL,
    expected_output text,                    -- null: a plain run, AC on a clean exit
    points          int NOT NULL DEFAULT 1,
    PRIMARY KEY (submission_id, index)
);

CREATE TABLE test_results (
    submission_id    uuid NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    index            int NOT NULL,
    verdict          text NOT NULL CHECK (verdict IN ('AC', 'WA', 'PE', 'TLE', 'MLE', 'OLE', 'RE', 'IE')),
    cpu_time_ms      bigint NOT NULL,
    wall_time_ms     bigint NOT NULL,
    memory_kb        bigint NOT NULL,
    exit_code        int,
    signal           int,
    stdout           text NOT NULL,
    stdout_truncated boolean NOT NULL,
    stderr           text NOT NULL,
    stderr_truncated boolean NOT NULL,
    message          text,
    PRIMARY KEY (submission_id, index)
);

-- Workers register the languages they can run, with versions detected at start-up, and refresh
-- last_seen while alive. The API accepts a language only while some live worker offers it.
CREATE TABLE worker_languages (
    worker_id       text NOT NULL,
    language_id     text NOT NULL,
    name            text NOT NULL,
    version         text NOT NULL,
    last_seen       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (worker_id, language_id)
);

CREATE INDEX worker_languages_last_seen ON worker_languages (last_seen);
