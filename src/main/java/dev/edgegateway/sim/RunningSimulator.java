package dev.edgegateway.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * Handle on a started simulator ({@code SimulatorVerticle.start}): bound port, base URL, shared state, and
 * {@link #close()}. It holds values, not the verticle, so the verticle stays the only class that knows both.
 */
public final class RunningSimulator {

  private final Vertx vertx;
  private final List<String> deploymentIds;
  private final int port;
  private final String advertisedAddress;
  private final SimulatorState state;

  RunningSimulator(Vertx vertx, List<String> deploymentIds, int port, String advertisedAddress, SimulatorState state) {
    this.vertx = vertx;
    this.deploymentIds = List.copyOf(deploymentIds);
    this.port = port;
    this.advertisedAddress = advertisedAddress;
    this.state = state;
  }

  /** The bound port (the actual one when the options said 0). */
  public int port() {
    return port;
  }

  /** {@code host:port} advertised in {@code search.basePath} (no scheme). */
  public String advertisedAddress() {
    return advertisedAddress;
  }

  /** {@code http://host:port}, no trailing slash: the base URL for every simulated upstream. */
  public String baseUrl() {
    return "http://" + advertisedAddress;
  }

  /** Shared counters, faults, sessions and stored events of all instances. */
  public SimulatorState state() {
    return state;
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
