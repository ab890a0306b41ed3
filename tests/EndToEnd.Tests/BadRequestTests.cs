using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Judge.EndToEnd;

namespace Judge.EndToEnd.Tests;

[Collection(StackCollection.Name)]
public sealed class BadRequestTests(StackFixture fixture)
{
    [Fact]
    public async Task An_unknown_language_is_a_400_problem_that_names_the_language_field()
    {
        var errors = await ErrorsOfAsync(new { language = "brainfuck", source = "+.", stdin = "" });

        Assert.Contains("brainfuck", errors.GetProperty("language")[0].GetString());
    }

    [Fact]
    public async Task An_empty_source_is_a_400_problem_that_names_the_source_field()
    {
        var errors = await ErrorsOfAsync(new { language = "python3", source = "", stdin = "" });

        Assert.NotEmpty(errors.GetProperty("source")[0].GetString()!);
    }

    private async Task<JsonElement> ErrorsOfAsync(object request)
    {
        using var response = await fixture.Client.Http.PostAsJsonAsync("submissions", request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        return problem.GetProperty("errors");
    }
}
