-- The Judge0 CE 1.13 surface (Api/Judge0): a Judge0 submission is one of our submissions with one test, whose
-- token is the submission's id. What the Judge0 API has and our schema did not lands here.

ALTER TABLE submissions
    -- How the program runs beyond its limits (Judge.Data.RunOptions: arguments, stack, stderr into stdout,
    -- number of runs, keep the whole output); null runs it as always.
    ADD COLUMN run_options jsonb,
    -- The Judge0 request as accepted (language id, limits in Judge0's units, options), which fields=* shows
    -- back; null for a submission made through our own API, and such a submission is not seen by the Judge0 surface.
    ADD COLUMN judge0 jsonb;

CREATE INDEX submissions_judge0_created_at ON submissions (created_at DESC, id DESC) WHERE judge0 IS NOT NULL;

-- The whole stdout and stderr of a submission's run, as the bytes the program wrote (bounded by its output limit),
-- for a submission whose run options ask for them: a Judge0 client gets them back exactly, base64 included.
CREATE TABLE run_outputs (
    submission_id   uuid PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    stdout          bytea NOT NULL,
    stderr          bytea NOT NULL
);

-- How a worker compiles and runs each language, as Judge0's GET /languages/{id} shows it.
ALTER TABLE worker_languages
    ADD COLUMN source_file text,
    ADD COLUMN compile_cmd text,
    ADD COLUMN run_cmd text;
