namespace Judge.Contracts;

/// <summary>Asks a worker to judge a stored submission. Carries only the id: the database holds the rest.</summary>
public sealed record JudgeSubmission(Guid SubmissionId);
