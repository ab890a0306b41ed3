-- Scoring test groups graded as the Kattis format's default grader does, and rejudging with history.

-- Scores may be fractional (a group graded `avg`, an accept_score of 2.5): the Api shows them as a number, as before.
ALTER TABLE submissions ALTER COLUMN score TYPE double precision;

-- A Kattis package's grader per test group: {"groups": [{"group", "score", "verdict", "acceptScore", ...}]} (Judge.Data's
-- ProblemGrading). Null for problems without groups: first failing test's verdict, sum of accepted tests' points.
ALTER TABLE problems ADD COLUMN grading jsonb;

-- Each group's grade as the worker found it: [{"group", "verdict", "score", "skipped"}]; null without grading.
ALTER TABLE submissions ADD COLUMN groups jsonb;

-- The judgements a rejudge replaced, oldest first. The submission row holds the current one; a rejudge moves it here
-- (with its test results, as they were) in the same statement that queues the submission again.
CREATE TABLE submission_judgements (
    submission_id   uuid NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    judgement       int NOT NULL,            -- 1 for the first verdict the submission had, then 2, ...
    verdict         text NOT NULL,
    score           double precision,
    groups          jsonb,
    compile_output  text,
    message         text,
    tests           jsonb NOT NULL,          -- the test_results rows, each as an object without submission_id
    started_at      timestamptz,
    finished_at     timestamptz,
    rejudged_at     timestamptz NOT NULL DEFAULT now(),
    rejudged_by     uuid REFERENCES api_keys (id),
    PRIMARY KEY (submission_id, judgement)
);
