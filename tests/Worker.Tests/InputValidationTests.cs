using Judge.Data;
using Judge.Worker.Judging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Judge.Worker.Tests;

/// <summary>A package's input validators run by the worker in the real sandbox, as at upload: on every test, with its group's
/// arguments; a refused test and a validator that does not compile are faults of the package.</summary>
public sealed class InputValidationTests
{
    private static readonly TestCase[] Tests =
    [
        new(1, "3\n", "3\n", 1, "sample"),
        new(2, "70\n", "70\n", 1, "secret"),
        new(3, "70\n", "70\n", 1, "secret/big"),
    ];

    /// <summary>One number no larger than its argument: exit 42, else 43 saying why.</summary>
    private static readonly KattisValidator AtMost = new("input_validators/at_most", "python3", false, false,
        [new ValidatorFile("at_most.py", "import sys\nn = int(sys.stdin.read())\nif n > int(sys.argv[1]):\n    sys.exit(f'{n} is above {sys.argv[1]}')\nsys.exit(42)\n")],
        [], "at_most.py");

    [Fact]
    public async Task A_validator_refuses_each_test_it_finds_invalid_with_its_message_under_its_group_s_arguments()
    {
        using var validation = new InputValidation(HostToolchains.Sandbox, HostToolchains.Set, WorkerHarness.CacheWithoutDatabase(), Options.Create(new WorkerOptions()), NullLogger<InputValidation>.Instance);
        var validators = new InputValidators([AtMost], new Dictionary<string, IReadOnlyList<string>> { ["sample"] = ["10"], ["secret"] = ["10"], ["secret/big"] = ["100"] });

        var (faults, failure) = await validation.ValidateAsync(validators, Tests, CancellationToken.None);

        Assert.Null(failure);
        var fault = Assert.Single(faults);
        Assert.True(fault.TestIndex == 2, fault.Message);
        Assert.Equal((2, "input_validators/at_most"), (fault.TestIndex, fault.Validator));
        Assert.Contains("70 is above 10", fault.Message);
    }

    [Fact]
    public async Task A_validator_that_does_not_compile_is_a_fault_of_the_package_with_the_compiler_s_output()
    {
        using var validation = new InputValidation(HostToolchains.Sandbox, HostToolchains.Set, WorkerHarness.CacheWithoutDatabase(), Options.Create(new WorkerOptions()), NullLogger<InputValidation>.Instance);
        var broken = new KattisValidator("input_validators/broken", "c", false, false, [new ValidatorFile("broken.c", "int main(void) { return 42 }\n")], []);

        var (faults, failure) = await validation.ValidateAsync(new InputValidators([broken], new Dictionary<string, IReadOnlyList<string>>()), Tests, CancellationToken.None);

        Assert.Null(failure);
        var fault = Assert.Single(faults);
        Assert.Equal((null, "input_validators/broken"), (fault.TestIndex, fault.Validator));
        Assert.Contains("did not compile", fault.Message);
        Assert.Contains("expected ';'", fault.Message);
    }
}
