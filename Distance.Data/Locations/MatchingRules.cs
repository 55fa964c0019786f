namespace Distance.Data.Locations;

/// <summary>Who may be matched with whom, apart from distance and exclusions (docs/matching.md).</summary>
public static class MatchingRules
{
    /// <summary>
    /// A member of a women's university is matched with the same gender, everyone else with the
    /// other gender. Applied to both sides: with otherSchools a candidate must also want the
    /// caller, which holds exactly when both are, or both are not, at a women's university.
    /// </summary>
    public static string WantedGender(string gender, bool womensUniversity) =>
        womensUniversity ? gender : gender == "male" ? "female" : "male";
}
