using System.Text;
using Judge.Worker.Judging;

namespace Judge.Worker.Tests;

public class StoredTextTests
{
    /// <summary>Throws where Npgsql would: on a lone surrogate.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Fact]
    public void Stored_text_is_cut_marked_and_free_of_nul()
    {
        var text = StoredText.Decode("ab\0cdef"u8, 4, alreadyTruncated: false);

        Assert.Equal("ab\uFFFDc", text.Text);
        Assert.True(text.Truncated);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_cut_inside_a_four_byte_character_drops_it_without_a_replacement_character(int maxBytes)
    {
        var bytes = "ab\U0001F600c"u8; // the emoji is F0 9F 98 80, bytes 2 to 5

        var text = StoredText.Decode(bytes, maxBytes, alreadyTruncated: false);

        Assert.Equal("ab", text.Text);
        Assert.True(text.Truncated);
    }

    [Fact]
    public void A_cut_right_after_a_character_keeps_the_whole_of_it()
    {
        Assert.Equal("ab\U0001F600", StoredText.Decode("ab\U0001F600c"u8, 6, alreadyTruncated: false).Text);
    }

    [Fact]
    public void A_file_read_in_part_drops_the_character_its_end_cuts()
    {
        var text = StoredText.Decode("ab\u00e9"u8[..3], 64, alreadyTruncated: true);

        Assert.Equal("ab", text.Text);
        Assert.True(text.Truncated);
    }

    [Fact]
    public void Invalid_bytes_become_replacement_characters_wherever_they_are()
    {
        Assert.Equal("a\uFFFDb\uFFFD", StoredText.Decode([(byte)'a', 0xFF, (byte)'b', 0xE2, 0x82], 64, alreadyTruncated: false).Text);
        // An encoded surrogate (ED A0 80) is invalid UTF-8: never a lone surrogate in the text.
        Assert.Equal("\uFFFD\uFFFD\uFFFD", StoredText.Decode([0xED, 0xA0, 0x80], 64, alreadyTruncated: false).Text);
    }

    [Fact]
    public void Clean_replaces_lone_surrogates_and_nul_and_keeps_pairs()
    {
        Assert.Equal("a\uFFFDb\uFFFDc\uFFFD\U0001F600\uFFFD", StoredText.Clean("a\uD800b\uDC00c\0\U0001F600\uD83D"));
        const string clean = "plain \U0001F600 text";
        Assert.Same(clean, StoredText.Clean(clean));
        Assert.Null(StoredText.Clean(null));
    }

    [Fact]
    public void Cut_never_splits_a_surrogate_pair()
    {
        Assert.Equal("ab", StoredText.Cut("ab\U0001F600", 3));
        Assert.Equal("ab\U0001F600", StoredText.Cut("ab\U0001F600", 4));
        Assert.Equal("", StoredText.Cut("ab", 0));
    }

    [Fact]
    public void Any_bytes_cut_anywhere_decode_to_text_the_database_takes()
    {
        var random = new Random(12);
        for (var round = 0; round < 2_000; round++)
        {
            var bytes = new byte[random.Next(0, 24)];
            random.NextBytes(bytes);
            // Mostly valid multi-byte characters, with some random bytes among them.
            var source = Encoding.UTF8.GetBytes("é€\U0001F600\0x").Concat(bytes).OrderBy(_ => random.Next()).ToArray();

            var text = StoredText.Decode(source, random.Next(0, source.Length + 1), alreadyTruncated: random.Next(2) == 0).Text;

            Assert.DoesNotContain('\0', text);
            Assert.Equal(text, StrictUtf8.GetString(StrictUtf8.GetBytes(text)));
        }
    }
}
