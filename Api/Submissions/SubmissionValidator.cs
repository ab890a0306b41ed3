using Judge.Api.Callbacks;
using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Submissions;

public static class SubmissionValidator
{
    /// <summary>Returns the submission to store, or null with the reasons in <paramref name="errors"/>.</summary>
    public static NewSubmission? Validate(SubmitRequest request, SubmitContext context, JudgeOptions options, ValidationErrors errors)
    {
        LanguageRules.Check(request.Language, context.LiveLanguages, "language", errors);
        var files = CheckProgram(request, context, options, errors);

        var forms = new[] { request.ProblemId is not null, request.Tests is not null, request.Stdin is not null }.Count(given => given);
        if (forms != 1)
            errors.Add(forms == 0 ? "problemId" : "tests",
                "Give exactly one of problemId, tests or stdin (stdin may be \"\" for a run without input).");
        if (request.ExpectedOutput is not null && request.Stdin is null)
            errors.Add("expectedOutput", "Goes only with stdin; inline tests carry their own expected output.");

        Limits limits;
        CheckerSpec? checker = null;
        IReadOnlyList<TestCase> tests = [];
        if (request.ProblemId is not null)
        {
            if (context.ProblemLimits is null)
                errors.Add("problemId", $"No problem with id {request.ProblemId}.");
            if (request.Checker is not null)
                errors.Add("checker", "A problem brings its own checker.");
            limits = LimitRules.Resolve(request.Limits, context.ProblemLimits ?? LimitRules.Defaults(options.Limits), options.Limits, "limits", errors);
        }
        else
        {
            limits = LimitRules.Resolve(request.Limits, LimitRules.Defaults(options.Limits), options.Limits, "limits", errors);
            if (request.Tests is not null)
            {
                tests = TestCaseRules.Resolve(request.Tests, options.MaxTests, "tests", errors);
                checker = CheckerRules.Resolve(request.Checker, context.LiveLanguages, options.MaxSourceBytes, "checker", errors);
            }
            else if (request.Stdin is not null)
            {
                TextRules.CheckStorable(request.Stdin, "stdin", errors);
                if (request.ExpectedOutput is not null)
                    TextRules.CheckStorable(request.ExpectedOutput, "expectedOutput", errors);
                else if (request.Checker is not null)
                    errors.Add("checker", "A run without expected output has nothing to check.");
                tests = [new TestCase(1, request.Stdin, request.ExpectedOutput, 1)];
                if (request.ExpectedOutput is not null)
                    checker = CheckerRules.Resolve(request.Checker, context.LiveLanguages, options.MaxSourceBytes, "checker", errors);
            }
        }

        var callbackUrl = CallbackRules.Resolve(request.CallbackUrl, context.CallbackAddresses ?? new CallbackAddresses(["0.0.0.0/0", "::/0"]), "callbackUrl", errors);

        if (errors.Any)
            return null;
        return new NewSubmission(Guid.CreateVersion7(), request.Language!, files is null ? request.Source! : null, request.ProblemId, request.Stdin,
            limits, checker, tests, CallbackUrl: callbackUrl, Files: files, Entry: request.Entry);
    }

    /// <summary>Exactly one of <c>source</c> and <c>files</c>; <c>entry</c> only with files, naming one of them. Returns the files
    /// (null for a source).</summary>
    private static IReadOnlyList<SubmissionFile>? CheckProgram(SubmitRequest request, SubmitContext context, JudgeOptions options, ValidationErrors errors)
    {
        if (request.Files is null)
        {
            if (string.IsNullOrWhiteSpace(request.Source))
                errors.Add("source", "Source is required and must not be empty (or give files instead).");
            else if (TextRules.CheckStorable(request.Source, "source", errors))
                TextRules.CheckSize(request.Source, options.MaxSourceBytes, "source", errors);
            if (request.Entry is not null)
                errors.Add("entry", "Goes only with files: it names the file to run.");
            return null;
        }
        if (request.Source is not null)
        {
            errors.Add("files", "Give exactly one of source (one file) or files (several).");
            return null;
        }
        if (request.Language is { } language && context.LiveLanguages.Contains(language) && context.MultiFileLanguages?.Contains(language) != true)
            errors.Add("files", $"Language '{language}' takes one file only: give source. The languages that take several are in docs/languages.md"
                + (context.MultiFileLanguages is { Count: > 0 } multi ? $" (offered now: {string.Join(", ", multi.Order(StringComparer.Ordinal))})." : "."));
        var files = FileRules.Resolve(request.Files, "files", errors);
        if (request.Entry is { } entry && !files.Any(f => f.Name == entry))
            errors.Add("entry", $"Must name one of the files; '{entry}' is not among them.");
        return files;
    }
}
