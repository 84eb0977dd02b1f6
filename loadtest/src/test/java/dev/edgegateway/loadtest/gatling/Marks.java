package dev.edgegateway.loadtest.gatling;

import dev.edgegateway.loadtest.SimStats;
import io.gatling.javaapi.core.PopulationBuilder;
import io.vertx.core.json.JsonObject;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/** Snapshots of the simulator's counters at phase boundaries, so each phase's upstream calls are its own. */
final class Marks {
  private final String simUrl;
  private final JsonObject marks = new JsonObject();

  Marks(String simUrl) {
    this.simUrl = simUrl;
  }

  synchronized void mark(String name) {
    marks.put(name, SimStats.snapshot(simUrl));
  }

  synchronized JsonObject toJson() {
    return marks.copy();
  }

  /** A one-user population that only takes a snapshot (to chain with andThen between phases). */
  PopulationBuilder population(String name) {
    return scenario("mark " + name).exec(exec(session -> {
      mark(name);
      return session;
    })).injectOpen(atOnceUsers(1));
  }
}
