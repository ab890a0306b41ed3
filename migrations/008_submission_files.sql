-- Submissions of several files, grader problems, and what a worker says it can build from several files.

-- A submission gives either its one source (submissions.source) or its files here; with files, source is null.
-- entry: the file to run, when the client named one (else the worker finds it: docs/languages.md).
ALTER TABLE submissions ALTER COLUMN source DROP NOT NULL;
ALTER TABLE submissions ADD COLUMN entry text;

CREATE TABLE submission_files (
    submission_id   uuid NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    name            text NOT NULL,           -- a plain file name, checked by the Api (Judge.Data.FileNames)
    content         text NOT NULL,
    PRIMARY KEY (submission_id, name)
);

-- A grader problem (homework): the teacher's files, put in the box beside the student's, and the grader that runs
-- there and writes results.json in Gradescope's format. grader: {language, entry}; null for a problem judged by tests.
ALTER TABLE problems ADD COLUMN grader jsonb;

CREATE TABLE problem_files (
    problem_id      uuid NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    name            text NOT NULL,
    content         text NOT NULL,
    PRIMARY KEY (problem_id, name)
);

-- A grader's results are named and scored in fractions (Gradescope's name, score and max_score); null for tests.
ALTER TABLE test_results
    ADD COLUMN name text,
    ADD COLUMN score double precision,
    ADD COLUMN max_score double precision;

-- Whether the worker builds this language from several files, and whether it runs a grader written in it
-- (docs/languages.md); the Api refuses files, or a grader, in a language no live worker says so for.
ALTER TABLE worker_languages
    ADD COLUMN multi_file boolean NOT NULL DEFAULT false,
    ADD COLUMN runs_graders boolean NOT NULL DEFAULT false;
