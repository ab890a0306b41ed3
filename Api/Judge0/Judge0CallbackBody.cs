using System.Text.Json;

namespace Judge.Api.Judge0;

/// <summary>
/// What a Judge0 client's <c>callback_url</c> receives when its submission is done: as Judge0 sends it, a PUT of the
/// submission with the default fields, base64-encoded whatever the request asked (Judge0's webhook). The
/// <see cref="Callbacks.CallbackSender"/> delivers it, with our retries, signature and address checks.
/// </summary>
public sealed class Judge0CallbackBody(Judge0Store store)
{
    private static readonly IReadOnlySet<string> Fields = Judge0SubmissionView.DefaultFields.ToHashSet();

    /// <returns>Null when the submission is gone.</returns>
    public async Task<byte[]?> RenderAsync(Guid submissionId, CancellationToken cancellationToken)
    {
        var rows = await store.GetAsync([submissionId], owner: null, cancellationToken);
        if (!rows.TryGetValue(submissionId, out var row))
            return null;
        var names = new Judge0Languages.Names(await store.LiveLanguagesAsync(cancellationToken));
        return JsonSerializer.SerializeToUtf8Bytes(Judge0SubmissionView.Write(row, Fields, base64: true, names));
    }
}
