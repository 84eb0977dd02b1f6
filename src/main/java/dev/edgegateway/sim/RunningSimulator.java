package dev.edgegateway.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * Handle on a simulator deployed by {@link SimulatorVerticle#start(Vertx, SimulatorOptions)}: bound port,
 * base URL, shared state, and {@link #close()}.
 */
public final class RunningSimulator {

  private final Vertx vertx;
  private final List<String> deploymentIds;
  private final SimulatorVerticle first;

  RunningSimulator(Vertx vertx, List<String> deploymentIds, SimulatorVerticle first) {
    this.vertx = vertx;
    this.deploymentIds = List.copyOf(deploymentIds);
    this.first = first;
  }

  /** The bound port (the actual one when the options said 0). */
  public int port() {
    return first.actualPort();
  }

  /** {@code host:port} advertised in {@code search.basePath} (no scheme). */
  public String advertisedAddress() {
    return first.advertisedAddress();
  }

  /** {@code http://host:port}, no trailing slash: the base URL for every simulated upstream. */
  public String baseUrl() {
    return "http://" + first.advertisedAddress();
  }

  /** Shared counters, faults, sessions and stored events of all instances. */
  public SimulatorState state() {
    return first.state();
  }

  public List<String> deploymentIds() {
    return deploymentIds;
  }

  /** Undeploys every instance (closes the server). */
  public Future<Void> close() {
    Future<Void> f = Future.succeededFuture();
    for (String id : deploymentIds) {
      f = f.eventually(() -> vertx.undeploy(id));
    }
    return f;
  }
}
