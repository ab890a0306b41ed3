using Npgsql;

namespace Judge.Data;

/// <summary>How every Judge process talks to its database; the Api and the Worker both build their data source with this.</summary>
public static class JudgeDataSource
{
    public static void Configure(NpgsqlDataSourceBuilder dataSource)
    {
        // A few fixed statements make up every request: prepared once per connection, PostgreSQL does
        // not parse and plan them again each time. A connection string that sets its own value wins.
        if (dataSource.ConnectionStringBuilder.MaxAutoPrepare == 0)
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = 32;
        // We never change session state (no SET, temporary tables or session locks; LISTEN only on a
        // connection of its own, unsubscribed before it goes back), so a pooled connection needs no
        // reset: that was 7 more statements before the next query on it.
        dataSource.ConnectionStringBuilder.NoResetOnClose = true;
    }
}
