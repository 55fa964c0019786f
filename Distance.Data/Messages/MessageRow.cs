namespace Distance.Data.Messages;

/// <summary>
/// A stored chat message. <see cref="SentAt"/> is UTC (DATETIME(3) carries no zone); MySqlConnector
/// reads CHAR(36) columns as <see cref="Guid"/>, so the client message id is one here too.
/// </summary>
public sealed record MessageRow(
    long RoomId, long Seq, long? SenderId, string Kind, string Text, DateTime SentAt, Guid? ClientMessageId)
{
    public const string TextKind = "text";
    public const string SystemKind = "system";
}
