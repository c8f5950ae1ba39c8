"""OpenTelemetry traces: one trace follows a request through every service it reaches.

Off unless an OTLP endpoint is configured (the standard `OTEL_EXPORTER_OTLP_ENDPOINT` or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`; `OTEL_SDK_DISABLED=true` turns it off again). The
other standard `OTEL_*` variables (exporter headers, sampler, resource attributes, batch
delays) apply as the SDK defines them. Spans are exported with OTLP over HTTP.

How a trace travels (W3C `traceparent`):
- HTTP: a request's `traceparent` is continued; else the request starts a trace;
- Kafka: FastStream's telemetry middleware writes `traceparent` into the headers of every
  record published and continues it in every consumer (`build_broker` installs it);
- the outbox: `enqueue` stores the writer's context with the row and the relay publishes
  the row under it, so an event continues the trace of the transaction that wrote it
  rather than starting one in the relay.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import context, trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from switchboard_platform.settings import TracingSettings

# Only the trace context travels: W3C baggage could carry caller-chosen data onto our topics.
_PROPAGATOR = TraceContextTextMapPropagator()


def configure_tracing(*, service: str, settings: TracingSettings) -> None:
    """Install the process's tracer provider, once; a no-op when tracing is off or when a
    provider is already installed (a test's, or another app's in the same process)."""
    if not settings.enabled or isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    # The provider exports what is buffered when the process exits (`shutdown_on_exit`).
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    # The exporter reads the endpoint and headers from the standard variables itself.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)


def tracing_on() -> bool:
    """Whether this process records spans (an SDK provider is installed): hot paths skip
    building the spans and contexts that would be dropped (a consumer's 24 us a message)."""
    return isinstance(trace.get_tracer_provider(), TracerProvider)


def current_trace_context() -> dict[str, str] | None:
    """The current span's context as W3C headers, to store with work done later; None
    when there is no span (tracing off, or nothing traced)."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier or None


@contextmanager
def continued(trace_context: Mapping[str, str] | None) -> Iterator[None]:
    """Run the block as part of the trace a stored context names (if any)."""
    if not trace_context:
        yield
        return
    token = context.attach(_PROPAGATOR.extract(trace_context))
    try:
        yield
    finally:
        context.detach(token)


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) in hex of the current span, for log lines; None outside one."""
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None
    return format(span_context.trace_id, "032x"), format(span_context.span_id, "016x")
