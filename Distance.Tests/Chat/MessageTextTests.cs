using Distance.Realtime.Chat;

namespace Distance.Tests.Chat;

public sealed class MessageTextTests
{
    [Theory]
    [InlineData("  hi  ", true, "hi")]
    [InlineData("", false, "")]
    [InlineData("\u3000\t", false, "")] // ideographic space is whitespace too
    public void TextIsTrimmedAndMustBeWellFormed(string text, bool valid, string normalized)
    {
        Assert.Equal(valid, MessageText.TryNormalize(text, out var result));
        Assert.Equal(normalized, result);
    }

    [Fact]
    public void ALoneSurrogateMakesTheTextInvalid()
    {
        // Built here, not in InlineData: xunit's theory serialisation would repair the strings.
        Assert.False(MessageText.TryNormalize("lone " + '\ud800' + " high", out _));
        Assert.False(MessageText.TryNormalize("lone " + '\udc00' + " low", out _));
        Assert.True(MessageText.TryNormalize("pair " + '\ud83d' + '\ude00', out _));
    }

    [Fact]
    public void LengthIsCountedInCodePointsAfterTrimming()
    {
        Assert.True(MessageText.TryNormalize(" " + string.Concat(Enumerable.Repeat("😀", 500)) + " ", out _));
        Assert.False(MessageText.TryNormalize(string.Concat(Enumerable.Repeat("😀", 501)), out _));
        Assert.True(MessageText.TryNormalize(new string('a', 500), out _));
        Assert.False(MessageText.TryNormalize(new string('a', 501), out _));
    }
}
