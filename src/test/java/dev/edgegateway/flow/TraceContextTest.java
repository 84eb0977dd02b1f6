package dev.edgegateway.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String VALID = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  @Test
  void aValidTraceparentIsContinuedWithANewSpan() {
    TraceContext trace = TraceContext.fromRequest(VALID, "vendor=opaque,other=1");
    assertThat(trace.traceId()).isEqualTo(TRACE_ID);
    assertThat(trace.spanId()).matches("[0-9a-f]{16}").isNotEqualTo("00f067aa0ba902b7");
    assertThat(trace.traceState()).isEqualTo("vendor=opaque,other=1");
    assertThat(trace.traceparent()).isEqualTo("00-" + TRACE_ID + "-" + trace.spanId() + "-01");
  }

  @Test
  void everyUpstreamCallIsASpanOfItsOwnInTheSameTrace() {
    TraceContext trace = TraceContext.fromRequest(VALID, null);
    String first = trace.childTraceparent();
    String second = trace.childTraceparent();
    assertThat(first).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-01");
    assertThat(second).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-01").isNotEqualTo(first);
    assertThat(TraceContext.parse(first, null)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
      "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0z",
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"})
  void anInvalidTraceparentStartsANewTraceWithoutTheTracestate(String traceparent) {
    assertThat(TraceContext.parse(traceparent, "vendor=x")).isNull();
    TraceContext started = TraceContext.fromRequest(traceparent, "vendor=x");
    assertThat(started.traceId()).matches("[0-9a-f]{32}").isNotEqualTo(TRACE_ID).isNotEqualTo("0".repeat(32));
    assertThat(started.traceState()).isNull();
    assertThat(started.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
  }

  @Test
  void aLaterVersionIsReadAsVersion00() {
    TraceContext trace = TraceContext.parse("01-" + TRACE_ID + "-00f067aa0ba902b7-01-what-comes-next", null);
    assertThat(trace).isNotNull();
    assertThat(trace.childTraceparent()).startsWith("00-" + TRACE_ID + "-").endsWith("-01");
  }

  @Test
  void noHeaderStartsATraceAndEveryStartIsNew() {
    TraceContext one = TraceContext.fromRequest(null, null);
    TraceContext two = TraceContext.fromRequest(null, null);
    assertThat(one.traceId()).matches("[0-9a-f]{32}").isNotEqualTo(two.traceId());
  }

  @Test
  void anOversizedOrControlCharacterTracestateIsNotPassedOn() {
    assertThat(TraceContext.parse(VALID, "v=" + "x".repeat(TraceContext.MAX_TRACESTATE)).traceState()).isNull();
    assertThat(TraceContext.parse(VALID, "v=a\u0001b").traceState()).isNull();
    String longest = "v=" + "x".repeat(TraceContext.MAX_TRACESTATE - 2);
    assertThat(TraceContext.parse(VALID, longest).traceState()).isEqualTo(longest);
  }

  @Test
  void aDeadlineCarriesItsTraceThroughCapsAndBusHeaders() {
    TraceContext trace = TraceContext.fromRequest(VALID, "vendor=1");
    Deadline deadline = Deadline.in(1_000).withTrace(trace);
    assertThat(deadline.cap(10).trace()).isSameAs(trace);
    assertThat(Deadline.in(1_000).trace()).isNull();

    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add(Deadline.HEADER, deadline.headerValue())
        .add(Deadline.TRACEPARENT_HEADER, trace.traceparent())
        .add(Deadline.TRACESTATE_HEADER, trace.traceState());
    Deadline received = Deadline.fromHeaders(headers, 5);
    assertThat(received.expiresAtNanos()).isEqualTo(deadline.expiresAtNanos());
    assertThat(received.trace().traceId()).isEqualTo(TRACE_ID);
    assertThat(received.trace().spanId()).isEqualTo(trace.spanId());
    assertThat(received.trace().traceState()).isEqualTo("vendor=1");
    assertThat(Deadline.fromHeaders(MultiMap.caseInsensitiveMultiMap(), 5).trace()).isNull();
  }
}
