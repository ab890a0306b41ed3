-- Kattis problem packages put tests in groups (data/sample, data/secret and the folders nested in it): each
-- problem test keeps the group it came from, as its path under data/ ('sample', 'secret', 'secret/group1').
-- Null for tests without groups (inline tests, N.in/N.out zips). A test result names its group through its
-- submission's problem test (same problem, same index): results are never written for another problem's tests.
ALTER TABLE problem_tests ADD COLUMN test_group text;
