using Judge.Api.Validation;

namespace Judge.Api.Data;

public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, long TotalCount);

public static class Paging
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;

    public static void Check(int page, int pageSize, ValidationErrors errors)
    {
        if (page < 1)
            errors.Add("page", "Must be 1 or more.");
        if (pageSize is < 1 or > MaxPageSize)
            errors.Add("pageSize", $"Must be between 1 and {MaxPageSize}.");
    }
}
