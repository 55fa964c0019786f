using System.Globalization;
using Distance.Data.Push;

namespace Distance.Realtime.Push;

/// <summary>What a notification says for an outbox row, and its collapse tag (one per room; one for all requests).</summary>
internal static class PushTexts
{
    public const string RequestsTag = "requests";

    public static string TagOf(OutboxRow row) =>
        row.Kind == PushEventKinds.Request ? RequestsTag : "room-" + row.SubjectId.ToString(CultureInfo.InvariantCulture);

    public static (string Title, string Body) Of(OutboxRow row)
    {
        var who = row.ActorNickname ?? "Someone";
        return row.Kind switch
        {
            PushEventKinds.Message => (row.ActorNickname ?? "Distance", row.Events > 1 ? $"{row.Body} (+{row.Events - 1} more)" : row.Body ?? ""),
            PushEventKinds.Request => ("New chat request", $"{who} wants to chat with you"),
            PushEventKinds.Room => ("New chat", $"{who} opened a chat with you"),
            PushEventKinds.Phone => ("Phone numbers shared", $"You and {who} can now see each other's phone number"),
            _ => ("Distance", ""),
        };
    }
}
