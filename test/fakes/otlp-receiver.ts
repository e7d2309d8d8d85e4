// A fake OpenTelemetry Collector's OTLP/HTTP traces receiver: POST /v1/traces in http/json or http/protobuf,
// decoded straight from the wire (the protobuf by its field numbers in opentelemetry-proto's trace.proto).

export type AttributeValue = string | number | boolean | AttributeValue[] | null;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** SpanKind as sent: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  resource: Record<string, AttributeValue>;
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** Each export's content type and headers. */
  exports: Array<{ contentType: string; headers: Headers }>;
  close(): Promise<void>;
}

export function startOtlpReceiver(): OtlpReceiver {
  const spans: ReceivedSpan[] = [];
  const exports: OtlpReceiver["exports"] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (req.method !== "POST" || path !== "/v1/traces") return new Response("not found", { status: 404 });
      const contentType = req.headers.get("content-type") ?? "";
      exports.push({ contentType, headers: req.headers });
      if (contentType.startsWith("application/json")) {
        spans.push(...fromJson(await req.json()));
        return Response.json({});
      }
      if (contentType.startsWith("application/x-protobuf")) {
        spans.push(...fromProtobuf(new Uint8Array(await req.arrayBuffer())));
        return new Response(new Uint8Array(0), { headers: { "content-type": "application/x-protobuf" } });
      }
      return new Response("unsupported content type", { status: 415 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, spans, exports, close: () => server.stop(true) };
}

// --- http/json (OTLP/JSON: ids as hex strings, 64-bit integers as strings) ---

type Json = Record<string, unknown>;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

function jsonValue(v: Json | undefined): AttributeValue {
  if (!v) return null;
  if ("stringValue" in v) return String(v.stringValue);
  if ("boolValue" in v) return Boolean(v.boolValue);
  if ("intValue" in v) return Number(v.intValue);
  if ("doubleValue" in v) return Number(v.doubleValue);
  if ("arrayValue" in v) return arr((v.arrayValue as Json).values).map(jsonValue);
  return null;
}

function jsonAttributes(list: unknown): Record<string, AttributeValue> {
  return Object.fromEntries(arr(list).map((kv) => [String(kv.key), jsonValue(kv.value as Json)]));
}

function fromJson(body: Json): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of arr(body.resourceSpans)) {
    const resource = jsonAttributes((rs.resource as Json | undefined)?.attributes);
    for (const ss of arr(rs.scopeSpans)) {
      for (const s of arr(ss.spans)) {
        out.push({
          traceId: String(s.traceId),
          spanId: String(s.spanId),
          parentSpanId: String(s.parentSpanId ?? ""),
          name: String(s.name),
          kind: Number(s.kind),
          attributes: jsonAttributes(s.attributes),
          statusCode: Number((s.status as Json | undefined)?.code ?? 0),
          resource,
        });
      }
    }
  }
  return out;
}

// --- http/protobuf: a small reader of the protobuf wire format ---

type Field = { no: number; wire: number; varint?: bigint; bytes?: Uint8Array; fixed?: DataView };

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[at++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (at < buf.length) {
    const tag = Number(varint());
    const no = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ no, wire, varint: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      out.push({ no, wire, bytes: buf.subarray(at, at + len) });
      at += len;
    } else if (wire === 1 || wire === 5) {
      const len = wire === 1 ? 8 : 4;
      out.push({ no, wire, fixed: new DataView(buf.buffer, buf.byteOffset + at, len) });
      at += len;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b ?? new Uint8Array(0));
const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? new Uint8Array(0)).toString("hex");
const sub = (list: Field[], no: number) => list.filter((f) => f.no === no).map((f) => fields(f.bytes!));
const one = (list: Field[], no: number) => list.find((f) => f.no === no);

function protoValue(list: Field[]): AttributeValue {
  const f = list[0];
  if (!f) return null;
  switch (f.no) {
    case 1:
      return text(f.bytes);
    case 2:
      return f.varint !== 0n;
    case 3:
      return Number(BigInt.asIntN(64, f.varint!));
    case 4:
      return f.fixed!.getFloat64(0, true);
    case 5:
      return sub(fields(f.bytes!), 1).map(protoValue);
    default:
      return null;
  }
}

function protoAttributes(list: Field[], no: number): Record<string, AttributeValue> {
  return Object.fromEntries(
    sub(list, no).map((kv) => [text(one(kv, 1)?.bytes), protoValue(fields(one(kv, 2)?.bytes ?? new Uint8Array(0)))]),
  );
}

function fromProtobuf(body: Uint8Array): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of sub(fields(body), 1)) {
    const resourceField = one(rs, 1);
    const resource = resourceField ? protoAttributes(fields(resourceField.bytes!), 1) : {};
    for (const ss of sub(rs, 2)) {
      for (const s of sub(ss, 2)) {
        const status = one(s, 15);
        out.push({
          traceId: hex(one(s, 1)?.bytes),
          spanId: hex(one(s, 2)?.bytes),
          parentSpanId: hex(one(s, 4)?.bytes),
          name: text(one(s, 5)?.bytes),
          kind: Number(one(s, 6)?.varint ?? 0n),
          attributes: protoAttributes(s, 9),
          statusCode: status ? Number(one(fields(status.bytes!), 3)?.varint ?? 0n) : 0,
          resource,
        });
      }
    }
  }
  return out;
}
