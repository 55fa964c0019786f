namespace Distance.StandIns;

/// <summary>
/// The credentials each stand-in accepts (section <c>StandIns</c>; environment
/// <c>StandIns__Solapi__ApiSecret</c> …). The defaults are test values known to the tests and the
/// rehearsal, never a real account's.
/// </summary>
public sealed class StandInOptions
{
    public const string Section = "StandIns";

    public SolapiAccount Solapi { get; set; } = new();

    public TwilioAccount Twilio { get; set; } = new();

    public RelayAccount Relay { get; set; } = new();

    /// <summary>Accepted messages kept (oldest dropped first), so a long rehearsal cannot grow without bound.</summary>
    public int Capacity { get; set; } = 10_000;
}

public sealed class SolapiAccount
{
    public string ApiKey { get; set; } = "NCSSTANDIN0000001";

    public string ApiSecret { get; set; } = "standin-solapi-secret-4f9a1c7e2b";

    /// <summary>The registered sender number; SOLAPI refuses any other <c>from</c>.</summary>
    public string From { get; set; } = "0215990000";
}

public sealed class TwilioAccount
{
    public string AccountSid { get; set; } = "AC00000000000000000000000000000001";

    public string AuthToken { get; set; } = "standin-twilio-token-8d3e5a0c6f";

    /// <summary>The account's SMS-capable number (E.164); any other <c>From</c> is refused.</summary>
    public string From { get; set; } = "+15005550006";
}

public sealed class RelayAccount
{
    /// <summary>The bearer key the generic relay accepts.</summary>
    public string ApiKey { get; set; } = "standin-relay-key-2c7b9e1d4a";
}
