namespace Judge.Api.Tests;

/// <summary>Reads back what the Api stored of a problem's tests (<c>test_data</c>, migration 010).</summary>
internal static class StoredTestData
{
    /// <summary>SQL for the UTF-8 text of the stored file whose digest is in <paramref name="column"/>.</summary>
    public static string TextOf(string column) =>
        $"coalesce(convert_from((SELECT string_agg(c.bytes, ''::bytea ORDER BY c.seq) FROM test_data_chunks c WHERE c.digest = {column}), 'UTF8'), '')";
}
