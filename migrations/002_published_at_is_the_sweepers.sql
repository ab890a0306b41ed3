-- The API no longer records its first publish (it saved a round trip per submission): created_at
-- stands in for it, and published_at is set only when the sweeper publishes a submission again.
COMMENT ON COLUMN submissions.published_at IS
    'last time the sweeper published JudgeSubmission again; null until then (created_at stands in for the first publish)';
