using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Judge.Api.Access;
using Judge.Api.Submissions;
using Microsoft.Extensions.Options;

namespace Judge.Api.Callbacks;

/// <summary>
/// POSTs a finished submission (the body <c>GET /submissions/{id}</c> answers) to its <c>callbackUrl</c> (a Judge0
/// submission: PUTs Judge0's body to its <c>callback_url</c>, <see cref="Judge0.Judge0CallbackBody"/>), signed
/// <c>X-Judge-Signature: sha256=HEX</c> (HMAC-SHA256 of the body with the key's signing secret). A 2xx answer
/// delivers it; anything else is tried again with exponential backoff, up to <see cref="CallbackOptions.MaxAttempts"/>.
/// Woken when a submission finishes, and every <see cref="CallbackOptions.PollSeconds"/> for retries and for
/// callbacks left by an Api that stopped. Delivery is at least once: the receiver may see a callback twice.
/// </summary>
public sealed class CallbackSender : BackgroundService
{
    public const string SignatureHeader = "X-Judge-Signature";
    public const string SubmissionHeader = "X-Judge-Submission";
    private const int BatchSize = 32;

    private readonly CallbackStore _callbacks;
    private readonly SubmissionStore _submissions;
    private readonly Judge0.Judge0CallbackBody _judge0;
    private readonly ApiKeyStore _keys;
    private readonly CallbackOptions _options;
    private readonly int _previewBytes;
    private readonly JsonSerializerOptions _json;
    private readonly ILogger<CallbackSender> _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _wake = new(0);

    public CallbackSender(CallbackStore callbacks, SubmissionStore submissions, Judge0.Judge0CallbackBody judge0, ApiKeyStore keys, CallbackAddresses addresses,
        SubmissionDoneListener doneListener, IOptions<JudgeOptions> options, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        ILogger<CallbackSender> logger)
    {
        _callbacks = callbacks;
        _submissions = submissions;
        _judge0 = judge0;
        _keys = keys;
        _options = options.Value.Callbacks;
        _previewBytes = options.Value.OutputPreviewBytes;
        _json = json.Value.SerializerOptions;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler
        {
            // Every connection, redirects included, goes through the address check; a proxy would bypass it.
            ConnectCallback = (context, cancellationToken) => ConnectAsync(addresses, context.DnsEndPoint, cancellationToken),
            UseProxy = false,
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        })
        { Timeout = TimeSpan.FromSeconds(_options.TimeoutSeconds) };
        doneListener.SubmissionDone += _ => Wake();
    }

    /// <summary>Look for due callbacks now.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
            _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Long enough for one attempt with its redirects; a process that dies mid-send leaves the callback for this long.
        var lease = TimeSpan.FromSeconds(_options.TimeoutSeconds * 2 + 10);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                IReadOnlyList<DueCallback> due;
                do
                {
                    due = await _callbacks.ClaimDueAsync(lease, BatchSize, stoppingToken);
                    await Task.WhenAll(due.Select(callback => SendAsync(callback, stoppingToken)));
                }
                while (due.Count == BatchSize);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Looking for due callbacks failed; trying again in {PollSeconds} s", _options.PollSeconds);
            }
            await _wake.WaitAsync(TimeSpan.FromSeconds(_options.PollSeconds), stoppingToken);
        }
    }

    private async Task SendAsync(DueCallback callback, CancellationToken stoppingToken)
    {
        string? error;
        try
        {
            error = await DeliverAsync(callback, stoppingToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
        {
            error = e is TaskCanceledException ? $"no answer within {_options.TimeoutSeconds} s" : Describe(e);
        }

        if (error is null)
        {
            await _callbacks.DeliveredAsync(callback.SubmissionId, stoppingToken);
            _logger.LogInformation("Callback for submission {SubmissionId} delivered to {Url}", callback.SubmissionId, callback.Url);
            return;
        }
        var retryAfter = callback.Attempts >= _options.MaxAttempts ? (TimeSpan?)null : Backoff(callback.Attempts);
        await _callbacks.FailedAsync(callback.SubmissionId, error, retryAfter, stoppingToken);
        _logger.LogWarning("Callback for submission {SubmissionId} to {Url}, attempt {Attempt}: {Error}; {Next}",
            callback.SubmissionId, callback.Url, callback.Attempts, error, retryAfter is null ? "given up" : $"trying again in {retryAfter.Value.TotalSeconds:0.#} s");
    }

    /// <summary>Null when delivered, else why not.</summary>
    private async Task<string?> DeliverAsync(DueCallback callback, CancellationToken cancellationToken)
    {
        var body = await BodyAsync(callback, cancellationToken);
        if (body is null)
            return "the submission is gone";
        var secret = callback.OwnerKeyId is { } keyId ? await _keys.SigningSecretAsync(keyId, cancellationToken) : null;

        var method = callback.Judge0 ? HttpMethod.Put : HttpMethod.Post;
        using var request = new HttpRequestMessage(method, callback.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(SubmissionHeader, callback.SubmissionId.ToString());
        if (secret is not null)
            request.Headers.Add(SignatureHeader, Sign(body, secret));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return response.IsSuccessStatusCode ? null : $"answered {(int)response.StatusCode} {response.ReasonPhrase}";
    }

    private async Task<byte[]?> BodyAsync(DueCallback callback, CancellationToken cancellationToken)
    {
        if (callback.Judge0)
            return await _judge0.RenderAsync(callback.SubmissionId, cancellationToken);
        var view = await _submissions.GetAsync(callback.SubmissionId, owner: null, _previewBytes, cancellationToken);
        return view is null ? null : JsonSerializer.SerializeToUtf8Bytes(view, _json);
    }

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of the body: what a receiver recomputes and compares.</summary>
    public static string Sign(byte[] body, byte[] secret) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));

    private TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(_options.FirstRetrySeconds * Math.Pow(2, attempts - 1), _options.MaxRetrySeconds));

    /// <summary>
    /// Connects to the address the name resolves to, and only when every such address may be reached: checked here,
    /// at the connect itself, a name cannot resolve to one address for a check and to another for the connect.
    /// </summary>
    private static async ValueTask<Stream> ConnectAsync(CallbackAddresses allowed, DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken);
        var refused = addresses.Where(a => !allowed.IsAllowed(a)).ToList();
        if (addresses.Length == 0 || refused.Count > 0)
            throw new CallbackRefusedException(
                $"{endPoint.Host} resolves to {(addresses.Length == 0 ? "nothing" : string.Join(", ", refused))}, which callbacks may not reach "
                + "(loopback, private, link-local, unique-local or multicast; see Judge:Callbacks:AllowedNetworks)");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string Describe(Exception e) =>
        e.InnerException is CallbackRefusedException refused ? refused.Message : e.InnerException?.Message ?? e.Message;

    public override void Dispose()
    {
        _http.Dispose();
        _wake.Dispose();
        base.Dispose();
    }
}

public sealed class CallbackRefusedException(string message) : Exception(message);
