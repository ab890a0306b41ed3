using Judge.Api.Submissions;

namespace Judge.Api.Tests;

public sealed class OutputPreviewTests
{
    [Fact]
    public void Output_within_the_limit_is_kept_whole()
    {
        Assert.Equal(("hello", false), OutputPreview.Cut("hello", 5));
    }

    [Fact]
    public void Output_is_cut_to_the_byte_limit_and_marked()
    {
        Assert.Equal(("hel", true), OutputPreview.Cut("hello", 3));
    }

    [Fact]
    public void Cut_never_splits_a_multi_byte_character()
    {
        // "é" is two bytes in UTF-8; a 2-byte cut of "aé" must drop it, not keep half.
        Assert.Equal(("a", true), OutputPreview.Cut("aé", 2));
    }
}
