"""Seeing the spans the code under test produced.

- `recording_spans()`: an in-process SDK tracer provider writing to memory (installed once
  per process; OpenTelemetry allows one global provider), for tests in one process;
- `SpanCollector`: an OTLP/HTTP trace receiver on a free port, for services running as
  separate processes: they export to it as they would to an OpenTelemetry Collector.
"""

import gzip
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry import trace
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

_recorder = InMemorySpanExporter()
_recording: list[TracerProvider] = []  # the provider `_recorder` is attached to, once
_lock = threading.Lock()


@dataclass(frozen=True)
class Span:
    """One finished span, as either source reports it (ids in hex)."""

    service: str
    name: str
    kind: str  # "server", "client", "producer", "consumer", "internal"
    trace_id: str
    span_id: str
    parent_span_id: str | None
    attributes: dict[str, Any] = field(default_factory=dict)


def recording_spans() -> InMemorySpanExporter:
    """The process-wide in-memory exporter, installing its provider on first use."""
    with _lock:
        provider = trace.get_tracer_provider()
        if not isinstance(provider, TracerProvider):
            provider = TracerProvider()
            trace.set_tracer_provider(provider)
        if provider not in _recording:
            provider.add_span_processor(SimpleSpanProcessor(_recorder))
            _recording.append(provider)
    return _recorder


def finished(exporter: InMemorySpanExporter) -> list[Span]:
    return [_of_sdk(span) for span in exporter.get_finished_spans()]


def _of_sdk(span: ReadableSpan) -> Span:
    context = span.get_span_context()
    if context is None:  # pragma: no cover - finished SDK spans always have one
        raise ValueError("span without context")
    return Span(
        service=str(span.resource.attributes.get("service.name", "")),
        name=span.name,
        kind=span.kind.name.lower(),
        trace_id=format(context.trace_id, "032x"),
        span_id=format(context.span_id, "016x"),
        parent_span_id=format(span.parent.span_id, "016x") if span.parent else None,
        attributes=dict(span.attributes or {}),
    )


class SpanCollector:
    """Receives OTLP/HTTP protobuf exports (`POST /v1/traces`) and keeps every span."""

    def __init__(self) -> None:
        self._spans: list[Span] = []
        self._lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                if self.headers.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                if self.path != "/v1/traces":
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                collector.add(_of_otlp(request))
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(HTTPStatus.OK)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_: object) -> None:  # quiet: pytest shows output on failure
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        """For `OTEL_EXPORTER_OTLP_ENDPOINT` (the exporter adds `/v1/traces`)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(self, spans: Iterable[Span]) -> None:
        with self._lock:
            self._spans.extend(spans)

    def spans(self, trace_id: str | None = None) -> list[Span]:
        with self._lock:
            return [s for s in self._spans if trace_id is None or s.trace_id == trace_id]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _of_otlp(request: ExportTraceServiceRequest) -> list[Span]:
    spans: list[Span] = []
    for resource_spans in request.resource_spans:
        resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
        spans.extend(
            Span(
                service=str(resource.get("service.name", "")),
                name=span.name,
                kind=_KINDS.get(span.kind, "internal"),
                trace_id=span.trace_id.hex(),
                span_id=span.span_id.hex(),
                parent_span_id=span.parent_span_id.hex() or None,
                attributes={a.key: _value(a.value) for a in span.attributes},
            )
            for scope_spans in resource_spans.scope_spans
            for span in scope_spans.spans
        )
    return spans


# OTLP's SpanKind numbers: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
_KINDS = {1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    return getattr(value, kind) if kind else None


def tree_problems(spans: list[Span], *, caller_span_id: str | None = None) -> list[str]:
    """What keeps `spans` (one trace) from being one tree: spans whose parent is missing,
    or not exactly one root (a span without a parent, or whose parent is `caller_span_id`,
    the span of a caller that sent `traceparent` and exports nothing). Empty when whole."""
    ids = {s.span_id for s in spans}
    roots = [s for s in spans if s.parent_span_id in {None, caller_span_id}]
    problems = [
        f"{s.service}: {s.name!r} has a parent {s.parent_span_id} not in the trace"
        for s in spans
        if s.parent_span_id not in {None, caller_span_id} and s.parent_span_id not in ids
    ]
    if len(roots) != 1:
        problems.append(f"{len(roots)} roots: {[(s.service, s.name) for s in roots]}")
    return problems
