-- A problem's test files as bytes, stored once and named by their SHA-256 (docs/problem-packages.md, "Test data").
-- Any bytes, up to Judge:MaxTestFileBytes each: a file is written in chunks of 1 MiB, so that neither the Api that
-- stores it nor a worker that reads it ever holds it whole. Two problems (or two tests) with the same file share it.

CREATE TABLE test_data (
    digest          bytea PRIMARY KEY CHECK (length(digest) = 32),   -- SHA-256 of the whole file
    size            bigint NOT NULL CHECK (size >= 0),
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- The file's bytes, chunk after chunk in seq order (1 MiB each as the Api writes them). An empty file has none.
CREATE TABLE test_data_chunks (
    digest          bytea NOT NULL REFERENCES test_data (digest) ON DELETE CASCADE,
    seq             int NOT NULL CHECK (seq >= 0),
    bytes           bytea NOT NULL,
    PRIMARY KEY (digest, seq)
);

ALTER TABLE problem_tests
    ADD COLUMN input_digest bytea REFERENCES test_data (digest),
    ADD COLUMN answer_digest bytea REFERENCES test_data (digest);

-- The tests stored as text until now become files: their UTF-8 bytes, each one chunk (they were at most 64 MiB).
INSERT INTO test_data (digest, size)
SELECT DISTINCT sha256(bytes), octet_length(bytes)
FROM (SELECT convert_to(input, 'UTF8') AS bytes FROM problem_tests
      UNION ALL SELECT convert_to(expected_output, 'UTF8') FROM problem_tests) AS files
ON CONFLICT DO NOTHING;

INSERT INTO test_data_chunks (digest, seq, bytes)
SELECT DISTINCT sha256(bytes), 0, bytes
FROM (SELECT convert_to(input, 'UTF8') AS bytes FROM problem_tests
      UNION ALL SELECT convert_to(expected_output, 'UTF8') FROM problem_tests) AS files
WHERE octet_length(bytes) > 0
ON CONFLICT DO NOTHING;

UPDATE problem_tests
SET input_digest = sha256(convert_to(input, 'UTF8')), answer_digest = sha256(convert_to(expected_output, 'UTF8'));

ALTER TABLE problem_tests
    ALTER COLUMN input_digest SET NOT NULL,
    ALTER COLUMN answer_digest SET NOT NULL,
    DROP COLUMN input,
    DROP COLUMN expected_output;

-- For removing files no test refers to any longer (VerificationStore.DeleteUnusedProblemAsync).
CREATE INDEX problem_tests_input_digest ON problem_tests (input_digest);
CREATE INDEX problem_tests_answer_digest ON problem_tests (answer_digest);
