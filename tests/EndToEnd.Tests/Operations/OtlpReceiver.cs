using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;

namespace Judge.EndToEnd.Tests.Operations;

/// <summary>One span as a collector receives it.</summary>
public sealed record ReceivedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind)
{
    public const int ServerKind = 2, ConsumerKind = 5;
}

/// <summary>
/// A collector in small: OTLP over HTTP (protobuf) on a loopback port, keeping the spans of every
/// <c>/v1/traces</c> request and answering every other signal with 200. The messages are read with protobuf's
/// wire reader and the field numbers of opentelemetry-proto's trace.proto, common.proto and resource.proto.
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();

    public OtlpReceiver()
    {
        var port = FreePort();
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _ = ServeAsync();
    }

    /// <summary>The value for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string Endpoint { get; }

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            using (var body = new MemoryStream())
            {
                await context.Request.InputStream.CopyToAsync(body);
                if (context.Request.Url?.AbsolutePath == "/v1/traces")
                    foreach (var span in ReadTraces(body.ToArray()))
                        _spans.Enqueue(span);
            }
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    private static IEnumerable<ReceivedSpan> ReadTraces(byte[] request) =>
        Fields(request).Where(f => f.Number == 1).SelectMany(f => ReadResourceSpans(f.Bytes)).ToList();

    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
    // Resource { repeated KeyValue attributes = 1; }  KeyValue { string key = 1; AnyValue value = 2; }  AnyValue { string string_value = 1; }
    // ScopeSpans { repeated Span spans = 2; }
    private static IEnumerable<ReceivedSpan> ReadResourceSpans(byte[] resourceSpans)
    {
        var fields = Fields(resourceSpans).ToList();
        var service = fields.Where(f => f.Number == 1)
            .SelectMany(resource => Fields(resource.Bytes).Where(f => f.Number == 1))
            .Select(attribute => Fields(attribute.Bytes).ToList())
            .Where(kv => kv.Any(f => f.Number == 1 && f.Text == "service.name"))
            .Select(kv => kv.Where(f => f.Number == 2).Select(v => Fields(v.Bytes).FirstOrDefault(f => f.Number == 1).Text).FirstOrDefault())
            .FirstOrDefault() ?? "";
        return fields.Where(f => f.Number == 2)
            .SelectMany(scope => Fields(scope.Bytes).Where(f => f.Number == 2))
            .Select(span => ReadSpan(service, span.Bytes));
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; SpanKind kind = 6; }
    private static ReceivedSpan ReadSpan(string service, byte[] span)
    {
        var fields = Fields(span).ToList();
        string Hex(int number) => Convert.ToHexString(fields.FirstOrDefault(f => f.Number == number).Bytes ?? []);
        return new ReceivedSpan(service, Hex(1), Hex(2), Hex(4), fields.FirstOrDefault(f => f.Number == 5).Text ?? "",
            (int)fields.FirstOrDefault(f => f.Number == 6).Varint);
    }

    private readonly record struct Field(int Number, byte[] Bytes, ulong Varint)
    {
        public string? Text => Bytes is null ? null : System.Text.Encoding.UTF8.GetString(Bytes);
    }

    private static IEnumerable<Field> Fields(byte[] message)
    {
        var fields = new List<Field>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.LengthDelimited:
                    fields.Add(new Field(number, input.ReadBytes().ToByteArray(), 0));
                    break;
                case WireFormat.WireType.Varint:
                    fields.Add(new Field(number, null!, input.ReadUInt64()));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
        return fields;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _listener.Close();
}
