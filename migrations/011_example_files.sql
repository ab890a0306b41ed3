-- A package's example submission of several files: a folder inside a verdict folder (submissions/accepted/mysol/main.cpp,
-- submissions/accepted/mysol/util.h), judged as one submission of several files (docs/problem-packages.md).
-- files: [Judge.Data.SubmissionFile] (DbJson), each by its name in the folder; such an example has no file_name or content.
-- Judged, an example has its language and exactly one of content (one file) or files (a folder).
ALTER TABLE problem_examples ADD COLUMN files jsonb;

ALTER TABLE problem_examples DROP CONSTRAINT problem_examples_check;
ALTER TABLE problem_examples ADD CONSTRAINT problem_examples_judged_has_a_program
    CHECK ((skipped IS NULL) = (language IS NOT NULL AND (content IS NOT NULL) <> (files IS NOT NULL)));
