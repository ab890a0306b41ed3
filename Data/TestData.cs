using System.Data;
using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace Judge.Data;

/// <summary>
/// Test files in PostgreSQL (<c>test_data</c>, <c>test_data_chunks</c>, migration 010): written by the Api as it stores a
/// problem, read by workers into their cache. Chunks of 1 MiB, so that neither side holds a file whole, and both stay
/// within what one bytea value and one network message comfortably carry. PostgreSQL rather than a file store: it is the
/// one store every part already has, backed up and transactional with the problem, so a refused upload leaves nothing;
/// large objects would do the same with less portable tooling (pg_dump needs --blobs, and they need a cleanup of their own).
/// </summary>
public static class TestData
{
    public const int ChunkBytes = 1 << 20;

    /// <summary>Stores <paramref name="file"/> from <paramref name="content"/> unless it is stored already, inside the caller's
    /// transaction. Another upload that stores the same file at the same time waits for this one, then finds it stored. A
    /// file found stored is locked against removal (<c>FOR KEY SHARE</c>) until the caller's transaction ends, so that a
    /// refused upload's cleanup, which skips locked files, cannot remove it before the caller's tests refer to it.</summary>
    /// <exception cref="InvalidDataException">The content is not the file: another size or digest.</exception>
    public static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TestFile file, Stream content,
        CancellationToken cancellationToken)
    {
        var digest = Convert.FromHexString(file.Sha256);
        await using (var claim = new NpgsqlCommand("INSERT INTO test_data (digest, size) VALUES ($1, $2) ON CONFLICT DO NOTHING", connection, transaction))
        await using (var keep = new NpgsqlCommand("SELECT 1 FROM test_data WHERE digest = $1 FOR KEY SHARE", connection, transaction))
        {
            claim.Parameters.Add(new NpgsqlParameter { Value = digest, NpgsqlDbType = NpgsqlDbType.Bytea });
            claim.Parameters.Add(new NpgsqlParameter { Value = file.Size });
            keep.Parameters.Add(new NpgsqlParameter { Value = digest, NpgsqlDbType = NpgsqlDbType.Bytea });
            while (true)
            {
                if (await claim.ExecuteNonQueryAsync(cancellationToken) == 1)
                    break; // ours to write
                if (await keep.ExecuteScalarAsync(cancellationToken) is not null)
                    return; // stored, and kept for us
                // Removed between the two statements: claim it again.
            }
        }

        await using var insert = new NpgsqlCommand("INSERT INTO test_data_chunks (digest, seq, bytes) VALUES ($1, $2, $3)", connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter { Value = digest, NpgsqlDbType = NpgsqlDbType.Bytea });
        var seq = new NpgsqlParameter<int> { TypedValue = 0 };
        var bytes = new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea };
        insert.Parameters.Add(seq);
        insert.Parameters.Add(bytes);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkBytes];
        long size = 0;
        for (int read; (read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken)) > 0; seq.TypedValue++)
        {
            hash.AppendData(buffer, 0, read);
            size += read;
            bytes.Value = new ArraySegment<byte>(buffer, 0, read);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        if (size != file.Size || Convert.ToHexStringLower(hash.GetHashAndReset()) != file.Sha256)
            throw new InvalidDataException($"test file {file.Sha256} changed while it was stored: {size} bytes of another digest");
    }

    /// <summary>Copies the stored file to <paramref name="destination"/>, a chunk at a time, and checks what came against its
    /// digest and size.</summary>
    /// <exception cref="InvalidDataException">It is not stored, or what is stored is not the file.</exception>
    public static async Task CopyToAsync(NpgsqlDataSource dataSource, TestFile file, Stream destination, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand("SELECT bytes FROM test_data_chunks WHERE digest = $1 ORDER BY seq", connection);
        select.Parameters.Add(new NpgsqlParameter { Value = Convert.FromHexString(file.Sha256), NpgsqlDbType = NpgsqlDbType.Bytea });
        await using var reader = await select.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long size = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            await using var chunk = await reader.GetStreamAsync(0, cancellationToken);
            for (int read; (read = await chunk.ReadAsync(buffer, cancellationToken)) > 0;)
            {
                hash.AppendData(buffer, 0, read);
                size += read;
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        if (size != file.Size || Convert.ToHexStringLower(hash.GetHashAndReset()) != file.Sha256)
            throw new InvalidDataException($"test file {file.Sha256} ({file.Size} bytes) is not stored as it should be: {size} bytes of another digest came");
    }
}
