using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Distance.StandIns;

/// <summary>
/// Twilio's Programmable Messaging "create a Message" call as its REST reference describes it:
/// <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>, HTTP Basic auth with the Account SID
/// and Auth Token, a form-encoded body with <c>To</c> (E.164), <c>From</c> (a number of the
/// account) and <c>Body</c>; 201 with the Message resource. Errors use Twilio's shape
/// <c>{"code","message","more_info","status"}</c> with its documented error numbers.
/// </summary>
public sealed class TwilioEndpoint(IOptions<StandInOptions> options, ReceivedMessages received, TimeProvider clock)
{
    public const string Provider = "twilio";

    public async Task<IResult> SendAsync(string accountSid, HttpRequest request)
    {
        received.CountAttempt(Provider);
        if (received.TakeFault(Provider) is { } status)
            return status == 429 ? Error(429, 20429, "Too Many Requests") : Error(status, 20500, "Internal Server Error");

        var account = options.Value.Twilio;
        if (!Authenticated(request.Headers.Authorization.ToString(), account))
            return Error(401, 20003, "Authenticate");
        if (accountSid != account.AccountSid)
            return Error(404, 20404, $"The requested resource /2010-04-01/Accounts/{accountSid}/Messages.json was not found");
        if (!request.HasFormContentType)
            return Error(400, 21601, "The request must be form-encoded (application/x-www-form-urlencoded).");

        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        string to = form["To"].ToString(), from = form["From"].ToString(), body = form["Body"].ToString();
        if (to.Length == 0)
            return Error(400, 21604, "A 'To' phone number is required.");
        if (!IsE164(to))
            return Error(400, 21211, $"Invalid 'To' Phone Number: {to}");
        if (from != account.From)
            return Error(400, 21606, $"The From phone number {from} is not a valid, SMS-capable inbound phone number or short code for your account.");
        if (body.Length == 0)
            return Error(400, 21602, "Message body is required.");
        if (body.Length > 1600)
            return Error(400, 21617, "The concatenated message body exceeds the 1600 character limit.");

        received.Add(Provider, to, from, body);
        var sid = "SM" + RandomNumberGenerator.GetHexString(32, lowercase: true);
        var now = clock.GetUtcNow().ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
        var uri = $"/2010-04-01/Accounts/{accountSid}/Messages/{sid}";
        return Results.Json(new Dictionary<string, object?>
        {
            ["account_sid"] = accountSid, ["api_version"] = "2010-04-01", ["body"] = body, ["date_created"] = now,
            ["date_sent"] = null, ["date_updated"] = now, ["direction"] = "outbound-api", ["error_code"] = null,
            ["error_message"] = null, ["from"] = from, ["messaging_service_sid"] = null, ["num_media"] = "0",
            ["num_segments"] = "1", ["price"] = null, ["price_unit"] = "USD", ["sid"] = sid, ["status"] = "queued",
            ["subresource_uris"] = new Dictionary<string, string> { ["media"] = uri + "/Media.json" }, ["to"] = to, ["uri"] = uri + ".json",
        }, statusCode: 201);
    }

    private static bool Authenticated(string header, TwilioAccount account)
    {
        if (!header.StartsWith("Basic ", StringComparison.Ordinal))
            return false;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..]));
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = account.AccountSid + ":" + account.AuthToken;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(decoded), Encoding.UTF8.GetBytes(expected));
    }

    private static bool IsE164(string number) =>
        number.Length is >= 9 and <= 16 && number[0] == '+' && number[1] != '0' && number[1..].All(char.IsAsciiDigit);

    private static IResult Error(int status, int code, string message) => Results.Json(new
    {
        code,
        message,
        more_info = $"https://www.twilio.com/docs/errors/{code}",
        status,
    }, statusCode: status);
}
