-- A Kattis package's own output validator (output_validators/NAME/ or output_validator/), or its interactive
-- validator, stored with its problem at upload: the source files as the package gave them, the language the worker
-- compiles them as, and the arguments from output_validator_flags (Judge.Data.KattisValidator, written with DbJson).
-- The digest (SHA-256 over the language and the files) names the compiled validator a worker may keep.
-- A problem without a row is judged by its checker column alone.
CREATE TABLE problem_validators (
    problem_id      uuid PRIMARY KEY REFERENCES problems (id) ON DELETE CASCADE,
    digest          text NOT NULL,
    validator       jsonb NOT NULL           -- {name, language, interactive, scoring, files: [{name, content}], arguments}
);
