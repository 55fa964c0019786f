using System.Globalization;
using Distance.Data.Push;

namespace Distance.Realtime.Push;

/// <summary>What a notification says for an outbox row, and its collapse tag (one per room; one for all requests).</summary>
internal static class PushTexts
{
    public const string RequestsTag = "requests";

    public static string TagOf(OutboxRow row) =>
        row.Kind == PushEventKinds.Request ? RequestsTag : "room-" + row.SubjectId.ToString(CultureInfo.InvariantCulture);

    // Korean, like the reference client's default: the service is for Korean students, and the
    // payload carries no nickname field for a client to build its own sentence from.
    public static (string Title, string Body) Of(OutboxRow row)
    {
        var who = row.ActorNickname ?? "누군가";
        return row.Kind switch
        {
            PushEventKinds.Message => (row.ActorNickname ?? "Distance", row.Events > 1 ? $"{row.Body} 외 {row.Events - 1}개" : row.Body ?? ""),
            PushEventKinds.Request => ("새 대화 요청", $"{who}님이 대화를 요청했어요"),
            PushEventKinds.Room => ("새 대화", $"{who}님이 대화를 시작했어요"),
            PushEventKinds.Phone => ("번호 공유", $"이제 {who}님과 서로 번호를 볼 수 있어요"),
            _ => ("Distance", ""),
        };
    }
}
