using System.Text.Json.Serialization;

namespace Judge.Data;

/// <summary>The verdicts of ARCHITECTURE.md; the names are what the database and the Api store and show.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict { AC, WA, PE, TLE, MLE, OLE, RE, CE, IE }

/// <summary>Where a submission is: the <c>status</c> column, which the Api shows as it is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SubmissionStatus>))]
public enum SubmissionStatus
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("compiling")] Compiling,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("done")] Done,
}
