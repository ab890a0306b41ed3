-- What a Kattis package brings to check itself (docs/problem-packages.md, "Input validators" and "Example submissions").

-- Its input validators (input_validators/NAME/, or input_validator/), run by a worker on every test at upload, each
-- compiled and run like an output validator but as `validator [arguments] < test input` (exit 42: valid).
-- validators: [Judge.Data.KattisValidator] (DbJson); arguments: {test group: [argument]} from the nearest
-- testdata.yaml's input_validator_flags/args (a group not named has none).
CREATE TABLE problem_input_validators (
    problem_id      uuid PRIMARY KEY REFERENCES problems (id) ON DELETE CASCADE,
    validators      jsonb NOT NULL,
    arguments       jsonb NOT NULL
);

-- Its example submissions (submissions/accepted/x.py, ...): judged on demand by POST /problems/{id}/verify.
-- expected: the verdict of the folder it sits in (AC, WA, TLE, RE; 'rejected' for any but AC).
-- An example that cannot be judged here (an extension no language has, a folder of files) is kept with its
-- reason in skipped and no language, so that the verification says what it left out.
CREATE TABLE problem_examples (
    problem_id      uuid NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    path            text NOT NULL,           -- in the package: submissions/accepted/sum.py
    expected        text NOT NULL,
    language        text,
    file_name       text,
    content         text,
    skipped         text,
    PRIMARY KEY (problem_id, path),
    CHECK ((skipped IS NULL) = (language IS NOT NULL AND content IS NOT NULL))
);

-- Each verification: the ordinary submissions it made, one per example. The latest one is the problem's answer.
CREATE TABLE problem_verifications (
    id              uuid PRIMARY KEY,
    problem_id      uuid NOT NULL REFERENCES problems (id) ON DELETE CASCADE,
    owner_key_id    uuid REFERENCES api_keys (id),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX problem_verifications_problem ON problem_verifications (problem_id, created_at DESC);

CREATE TABLE problem_verification_runs (
    verification_id uuid NOT NULL REFERENCES problem_verifications (id) ON DELETE CASCADE,
    path            text NOT NULL,
    submission_id   uuid REFERENCES submissions (id) ON DELETE CASCADE,
    skipped         text,                    -- why this example was not judged this time (its language is offered by no worker)
    PRIMARY KEY (verification_id, path)
);
