package dev.edgegateway.http;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of one request that fell back, for its answer's {@code degraded}; each fallback is also counted in
 * {@code edge_degraded_total{step,outcome}} and logged with the request's id and trace id, without shopper data.
 */
final class DegradedSteps {
  private static final Logger LOG = LoggerFactory.getLogger(DegradedSteps.class);

  private final MeterRegistry registry;
  private final RequestIds ids;
  private final List<String> steps = new ArrayList<>(2);

  /** @param ids the request's, named on the warnings; null for none */
  DegradedSteps(MeterRegistry registry, RequestIds ids) {
    this.registry = registry;
    this.ids = ids;
  }

  /** A list of its own for the same request (the assembly a coalesced page runs for its followers too). */
  DegradedSteps another() {
    return new DegradedSteps(registry, ids);
  }

  /** One fallback of {@code step}; {@code cause} is null when the step itself answered degraded. */
  void record(String step, Throwable cause) {
    Outcome outcome = cause == null ? Outcome.DEGRADED : OutcomeException.outcomeOf(cause);
    synchronized (this) {
      if (!steps.contains(step)) {
        steps.add(step);
      }
    }
    Metrics.counter(registry, "edge_degraded_total", "step", step, "outcome", outcome.tag()).increment();
    if (cause != null && outcome != Outcome.NOT_FOUND) {
      LOG.atWarn()
          .addKeyValue("requestId", ids == null ? null : ids.requestId())
          .addKeyValue("traceId", ids == null ? null : ids.trace().traceId())
          .log("degraded step={} outcome={} cause={}", step, outcome.tag(), cause.getMessage());
    }
  }

  /** Steps another request's assembly recorded, taken as this request's own (a coalesced page). */
  synchronized void addAll(List<String> others) {
    steps.addAll(others);
  }

  synchronized boolean isEmpty() {
    return steps.isEmpty();
  }

  synchronized List<String> list() {
    return steps.isEmpty() ? List.of() : List.copyOf(steps);
  }
}
