using Distance.Data.Members;
using Microsoft.Extensions.Options;

namespace Distance.Realtime.Identity;

/// <summary>
/// Whether a member's access tokens carry the role "operator": their phone is listed in
/// Moderation:OperatorPhones. Asked at every issue (login, sign-up, refresh), so removing a phone
/// from the list takes effect at the member's next refresh. No list, no lookup.
/// </summary>
public sealed class OperatorRoles(IOptions<OperatorOptions> options, MemberAccountRepository accounts)
{
    public async Task<bool> IsOperatorAsync(long memberId, CancellationToken cancellationToken)
    {
        var phones = options.Value.OperatorPhones;
        if (phones.Length == 0)
            return false;
        var member = await accounts.FindAsync(memberId, cancellationToken);
        return member is not null && phones.Contains(member.Phone, StringComparer.Ordinal);
    }
}
