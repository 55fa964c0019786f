using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distance.Tests.Infrastructure;

namespace Distance.Tests.Identity;

[Collection(nameof(AccountsCollection))]
public sealed class SmsInputTests(DistanceFixture fixture)
{
    [Theory]
    [InlineData("0101234567")]
    [InlineData("010-1234-567")]
    [InlineData("010-12345678")]
    [InlineData("+821012345678")]
    [InlineData("01112345678")]
    [InlineData("010１２３４５６７８")]
    [InlineData("")]
    [InlineData(null)]
    public async Task MalformedPhoneNumbersAreValidationProblems(string? phone)
    {
        using var client = fixture.NodeA.CreateClientFrom();

        var response = await client.PostAsJsonAsync("/api/verifications/sms", new { phone, purpose = "signup" }).Within();

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(body.GetProperty("errors").TryGetProperty("phone", out _));
    }

    [Fact]
    public async Task AnUnknownPurposeIsAValidationProblem()
    {
        using var client = fixture.NodeA.CreateClientFrom();

        var response = await client.PostAsJsonAsync("/api/verifications/sms", new { phone = fixture.NextPhone(), purpose = "login" }).Within();

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(body.GetProperty("errors").TryGetProperty("purpose", out _));
    }

    [Fact]
    public async Task UnknownJsonFieldsAndBrokenJsonAreValidationProblems()
    {
        using var client = fixture.NodeA.CreateClientFrom();

        var extra = await client.PostAsJsonAsync("/api/verifications/sms", new { phone = fixture.NextPhone(), purpose = "signup", admin = true }).Within();
        var broken = await client.PostAsync("/api/verifications/sms",
            new StringContent("{\"phone\":", System.Text.Encoding.UTF8, "application/json")).Within();

        await extra.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await broken.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }
}
