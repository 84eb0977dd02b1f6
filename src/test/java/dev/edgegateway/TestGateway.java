package dev.edgegateway;

import dev.edgegateway.config.GatewayConfig;
import dev.edgegateway.sim.RunningSimulator;
import dev.edgegateway.sim.SimCounter;
import dev.edgegateway.sim.SimulatorOptions;
import dev.edgegateway.sim.SimulatorVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * A simulator and a gateway wired together on loopback ephemeral ports, as {@code --demo} does, for tests
 * that go over real sockets. Extra environment entries override the defaults.
 */
public final class TestGateway {
  public final Vertx vertx;
  public final RunningSimulator sim;
  public final Gateway gateway;
  public final WebClient client;
  public final JsonObject config;

  private final boolean ownsSim;

  private TestGateway(Vertx vertx, RunningSimulator sim, Gateway gateway, JsonObject config, boolean ownsSim) {
    this.ownsSim = ownsSim;
    this.vertx = vertx;
    this.sim = sim;
    this.gateway = gateway;
    this.config = config;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
            .setDefaultPort(gateway.httpPort()).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
  }

  public static Future<TestGateway> start(Vertx vertx, Map<String, String> extraEnv) {
    return start(vertx, new SimulatorOptions().setPort(0), extraEnv);
  }

  public static Future<TestGateway> start(Vertx vertx, SimulatorOptions simOptions, Map<String, String> extraEnv) {
    return SimulatorVerticle.start(vertx, simOptions).compose(sim -> start(vertx, sim, extraEnv, true));
  }

  /** A gateway in {@code vertx} in front of a simulator that somebody else owns (several gateways, one Klevu). */
  public static Future<TestGateway> attach(Vertx vertx, RunningSimulator sim, Map<String, String> extraEnv) {
    return start(vertx, sim, extraEnv, false);
  }

  private static Future<TestGateway> start(Vertx vertx, RunningSimulator sim, Map<String, String> extraEnv, boolean ownsSim) {
    Map<String, String> env = DemoWiring.loopbackEnvironment(sim);
    env.put("EDGE_HTTP_INSTANCES", "1");
    env.put("EDGE_COOKIE_SECRET", "test-cookie-secret-test-cookie-secret");
    env.putAll(extraEnv);
    JsonObject config = GatewayConfig.resolve(new JsonObject(), env);
    return Gateway.start(vertx, config).map(gateway -> new TestGateway(vertx, sim, gateway, config, ownsSim));
  }

  public long count(SimCounter counter) {
    return sim.state().count(counter);
  }

  public Future<Void> stop() {
    client.close();
    return gateway.stop().compose(v -> ownsSim ? sim.close() : Future.succeededFuture());
  }

  /** A klaviyo.js-style {@code __kla_id} cookie value carrying {@code exchangeId}. */
  public static String klaCookie(String exchangeId) {
    JsonObject json = new JsonObject().put("cid", "Y2xpZW50LWlk").put("$referrer", new JsonObject().put("ts", 1));
    if (exchangeId != null) {
      json.put("$exchange_id", exchangeId);
    }
    return Base64.getEncoder().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** A well-formed exchange id, unique per {@code seed}. */
  public static String exchangeId(String seed) {
    String ident = Base64.getUrlEncoder().encodeToString(("shopper-" + seed + "-identifier-bytes").getBytes(StandardCharsets.UTF_8));
    return ident + ".UsRnv6";
  }

  /** Deletes every key under {@code prefix} in the Redis at {@code redisUrl}: tests clean up what they wrote. */
  public static Future<Void> deleteRedisKeys(Vertx vertx, String redisUrl, String prefix) {
    io.vertx.redis.client.Redis client = io.vertx.redis.client.Redis.createClient(vertx, redisUrl);
    return client.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.KEYS).arg(prefix + "*"))
        .compose(keys -> {
          if (keys == null || keys.size() == 0) {
            return Future.<Void>succeededFuture();
          }
          io.vertx.redis.client.Request del = io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.DEL);
          keys.forEach(k -> del.arg(k.toString()));
          return client.send(del).mapEmpty();
        })
        .eventually(() -> {
          client.close();
          return Future.succeededFuture();
        });
  }
}
