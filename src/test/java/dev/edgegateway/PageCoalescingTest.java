package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.sim.SimCounter;
import dev.edgegateway.sim.SimulatorOptions;
import dev.edgegateway.sim.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Page coalescing over real loopback sockets: a second request for the same shopper's page joins the page
 * being assembled (a follower), and gets that page, unless the page came back degraded, in which case the
 * follower assembles its own with the time it has left.
 *
 * <p>How the order is pinned down: the simulator reads an upstream's latency and fault when a request arrives
 * (pinned by {@code FaultsAndControlSimTest#aHeldRequestKeepsTheSettingsItArrivedUnder}), so the leader's call
 * is held for {@link #HOLD_MS} with the answer it will give (a 500, or a normal answer) fixed at arrival. The
 * follower is sent only once the simulator has counted the leader's call, i.e. while the leader's page is still
 * in the air; the test then waits, bounded by the hold, until the gateway has counted the follower on the
 * {@code page} flight, and the follower's answer must say {@code coalesced} in its {@code Server-Timing}. A
 * follower that could not join in time fails the test loudly; it can never pass by not joining. For the
 * degraded cases the upstream is healed right after the leader's held call was counted, so only that call
 * fails and every call made afterwards (the follower's own assembly included) finds a healthy upstream. No
 * sleeps: every wait polls a condition on a Vert.x timer with a deadline ({@link Awaits}).
 */
@ExtendWith(VertxExtension.class)
class PageCoalescingTest {
  /** How long the simulator holds the leader's upstream call: the follower has this long to join. */
  private static final long HOLD_MS = 1_500;

  private TestGateway env;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    TestGateway.start(vertx, new SimulatorOptions().setPort(0), Map.of(
        "EDGE_HTTP_COALESCE_PAGES", "true",
        // every budget well past the hold: the leader's page degrades because of the 500, never a timeout
        "EDGE_REQUEST_TIMEOUT_MS", "10000",
        "EDGE_SEGMENTS_BUDGET_MS", "8000",
        "EDGE_UPSTREAM_TIMEOUT_MS", "8000",
        // a retry would reach the healed upstream and hide the leader's failure
        "EDGE_UPSTREAM_MAX_RETRIES", "0"))
        .onComplete(ctx.succeeding(started -> {
          env = started;
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    env.stop().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void followerOfAPageWhoseSegmentsFailedAssemblesItsOwnPersonalisedPage(VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("coalesce-segments"));
    leaderAndFollower(cookie, Upstream.VISITOR, "error", SimCounter.SESSION)
        .onComplete(ctx.succeeding(pair -> ctx.verify(() -> {
          HttpResponse<Buffer> leader = pair.leader();
          HttpResponse<Buffer> follower = pair.follower();

          assertThat(leader.statusCode()).isEqualTo(200);
          assertThat(leader.getHeader("X-Edge-Outcome")).isEqualTo("degraded");
          JsonObject leaderBody = leader.bodyAsJsonObject();
          assertThat(leaderBody.getJsonArray("degraded")).containsExactly("segments");
          assertThat(leaderBody.getBoolean("personalized")).isFalse();
          assertThat(leader.getHeader("Server-Timing")).doesNotContain("coalesced");

          assertThat(follower.statusCode()).isEqualTo(200);
          assertThat(follower.getHeader("X-Edge-Outcome")).isEqualTo("ok");
          JsonObject followerBody = follower.bodyAsJsonObject();
          assertThat(followerBody.getJsonArray("degraded")).isEmpty();
          assertThat(followerBody.getBoolean("personalized")).isTrue();
          assertThat(follower.getHeader("Server-Timing"))
              .as("the follower joined the leader's page, then assembled its own")
              .contains("coalesced;dur=", "segments;dur=", "recs;dur=");
          assertThat(followerBody.getJsonArray("products")).isNotEmpty();
          assertThat(followerBody.getJsonObject("analytics").getString("segmentKey")).isNotNull();

          assertPageFlight(1, 1);
          // the leader's held call (answered 500) and the follower's own, healthy one
          assertThat(env.count(SimCounter.SESSION)).as("visitor calls").isEqualTo(2);
          assertThat(env.count(SimCounter.FAULTED)).isEqualTo(1);
          // the leader's unsegmented config and search, then the follower's segmented ones
          assertThat(env.count(SimCounter.CONFIG)).as("config calls").isEqualTo(2);
          assertThat(env.count(SimCounter.SEARCH)).as("search calls").isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  void followerOfAPageWhosePersonalisedConfigFailedAssemblesItsOwnPersonalisedPage(VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("coalesce-config"));
    // a page is only coalesced while the shopper's segments are not known yet (with them fresh in memory a
    // second request goes its own way), so the follower joins during the held, healthy visitor call; the
    // leader's segmented config call after it is held too, and answers 500
    hold(Upstream.VISITOR, "none");
    hold(Upstream.CONFIG, "error");
    Future<HttpResponse<Buffer>> leader = recs(cookie);
    awaitCount(SimCounter.SESSION, 1)
        .compose(counted -> heal(Upstream.VISITOR).followerJoining(leader, cookie))
        .compose(follower -> awaitCount(SimCounter.CONFIG, 1).map(counted -> {
          // the leader's segmented config call is in and keeps its 500; its fallback and the follower find it healed
          heal(Upstream.CONFIG);
          return follower;
        }))
        .compose(follower -> Future.all(leader, follower).map(both -> new Pair(leader.result(), follower.result())))
        .onComplete(ctx.succeeding(pair -> ctx.verify(() -> {
          HttpResponse<Buffer> leaderAnswer = pair.leader();
          HttpResponse<Buffer> follower = pair.follower();

          assertThat(leaderAnswer.statusCode()).isEqualTo(200);
          assertThat(leaderAnswer.getHeader("X-Edge-Outcome")).isEqualTo("degraded");
          JsonObject leaderBody = leaderAnswer.bodyAsJsonObject();
          // the segmented config failed; the unsegmented one asked for afterwards found the upstream healed
          assertThat(leaderBody.getJsonArray("degraded")).containsExactly("personalisation");
          assertThat(leaderBody.getBoolean("personalized")).isFalse();
          assertThat(leaderBody.getJsonArray("products")).isNotEmpty();
          assertThat(leaderAnswer.getHeader("Server-Timing")).doesNotContain("coalesced");

          assertThat(follower.statusCode()).isEqualTo(200);
          assertThat(follower.getHeader("X-Edge-Outcome")).isEqualTo("ok");
          JsonObject followerBody = follower.bodyAsJsonObject();
          assertThat(followerBody.getJsonArray("degraded")).isEmpty();
          assertThat(followerBody.getBoolean("personalized")).isTrue();
          assertThat(follower.getHeader("Server-Timing"))
              .as("the follower joined the leader's page, then assembled its own")
              .contains("coalesced;dur=", "segments;dur=", "recs;dur=");
          assertThat(followerBody.getJsonObject("analytics").getString("segmentKey")).isNotNull();

          assertPageFlight(1, 1);
          // the follower's own assembly reused the segments the leader had cached: no second visitor call
          assertThat(env.count(SimCounter.SESSION)).as("visitor calls").isEqualTo(1);
          // the leader's segmented config (held, 500) and unsegmented fallback, then the follower's segmented one
          assertThat(env.count(SimCounter.CONFIG)).as("config calls").isEqualTo(3);
          assertThat(env.count(SimCounter.FAULTED)).isEqualTo(1);
          // the leader's unsegmented search and the follower's segmented one
          assertThat(env.count(SimCounter.SEARCH)).as("search calls").isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  void followerOfAHealthyPageGetsThatPageWithNoUpstreamCallOfItsOwn(VertxTestContext ctx) {
    String cookie = "__kla_id=" + TestGateway.klaCookie(TestGateway.exchangeId("coalesce-healthy"));
    leaderAndFollower(cookie, Upstream.VISITOR, "none", SimCounter.SESSION)
        .onComplete(ctx.succeeding(pair -> ctx.verify(() -> {
          HttpResponse<Buffer> leader = pair.leader();
          HttpResponse<Buffer> follower = pair.follower();

          assertThat(leader.statusCode()).isEqualTo(200);
          assertThat(leader.getHeader("X-Edge-Outcome")).isEqualTo("ok");
          assertThat(leader.bodyAsJsonObject().getJsonArray("degraded")).isEmpty();
          assertThat(leader.bodyAsJsonObject().getBoolean("personalized")).isTrue();

          assertThat(follower.statusCode()).isEqualTo(200);
          assertThat(follower.getHeader("X-Edge-Outcome")).isEqualTo("ok");
          assertThat(follower.getHeader("Server-Timing"))
              .as("the follower waited for the leader's page and assembled nothing itself")
              .contains("coalesced;dur=")
              .doesNotContain("segments;dur=", "recs;dur=");
          assertThat(follower.bodyAsString()).as("the same page").isEqualTo(leader.bodyAsString());

          assertPageFlight(1, 1);
          assertThat(env.count(SimCounter.SESSION)).as("visitor calls").isEqualTo(1);
          assertThat(env.count(SimCounter.CONFIG)).as("config calls").isEqualTo(1);
          assertThat(env.count(SimCounter.SEARCH)).as("search calls").isEqualTo(1);
          assertThat(env.count(SimCounter.FAULTED)).isZero();
          ctx.completeNow();
        })));
  }

  private record Pair(HttpResponse<Buffer> leader, HttpResponse<Buffer> follower) {
  }

  /**
   * Sends the leader with {@code held} answering {@code fault} after {@link #HOLD_MS}; once the simulator has
   * counted the leader's call on {@code heldCounter}, heals {@code held} (the held call keeps the answer it
   * arrived under), sends the follower and waits until the gateway has counted it as a follower of the page.
   */
  private Future<Pair> leaderAndFollower(String cookie, Upstream held, String fault, SimCounter heldCounter) {
    hold(held, fault);
    Future<HttpResponse<Buffer>> leader = recs(cookie);
    return awaitCount(heldCounter, 1)
        .compose(counted -> heal(held).followerJoining(leader, cookie))
        .compose(follower -> Future.all(leader, follower).map(both -> new Pair(leader.result(), follower.result())));
  }

  /**
   * Sends the follower while {@code leader} is still waiting on a held call, and completes (with the follower's
   * answer still to come) once the gateway has counted it as a follower of the page flight.
   */
  private Future<Future<HttpResponse<Buffer>>> followerJoining(Future<HttpResponse<Buffer>> leader, String cookie) {
    if (leader.isComplete()) {
      return Future.failedFuture(new AssertionError("the leader answered before the follower was sent"));
    }
    Future<HttpResponse<Buffer>> follower = recs(cookie);
    // bounded by the hold: past it the leader's page may have settled and there is nothing left to join
    return Awaits.until(env.vertx, () -> pageFlight("follower") == 1, HOLD_MS, 2)
        .recover(t -> Future.failedFuture(new AssertionError(
            "the second request did not join the leader's page within " + HOLD_MS + " ms", t)))
        .map(joined -> follower);
  }

  /** From now on {@code upstream} answers {@code fault} after {@link #HOLD_MS}. */
  private void hold(Upstream upstream, String fault) {
    env.sim.state().applyRuntimeConfig(new JsonObject().put(upstream.key(),
        new JsonObject().put("fault", fault).put("latencyMs", HOLD_MS)));
  }

  /** From now on {@code upstream} answers at once and normally; calls already held keep what they arrived under. */
  private PageCoalescingTest heal(Upstream upstream) {
    env.sim.state().applyRuntimeConfig(new JsonObject().put(upstream.key(),
        new JsonObject().put("fault", "none").put("latencyMs", 0)));
    return this;
  }

  /** Until the simulator has counted {@code n} calls on {@code counter} (bounded). */
  private Future<Void> awaitCount(SimCounter counter, long n) {
    return Awaits.until(env.vertx, () -> env.count(counter) == n, 10_000, 2)
        .recover(t -> Future.failedFuture(new AssertionError(
            "the simulator did not count " + n + " " + counter.key() + " call(s); it counted " + env.count(counter), t)));
  }

  private Future<HttpResponse<Buffer>> recs(String cookie) {
    return env.client.get("/v1/recommendations/k-home?pid=39814").putHeader("Cookie", cookie).send();
  }

  private double pageFlight(String role) {
    return Metrics.of(env.vertx).counter("edge_singleflight_calls_total", "flight", "page", "role", role).count();
  }

  private void assertPageFlight(int leaders, int followers) {
    assertThat(pageFlight("leader")).as("page flight leaders").isEqualTo(leaders);
    assertThat(pageFlight("follower")).as("page flight followers").isEqualTo(followers);
    assertThat(pageFlight("rejected")).as("page flight rejected").isZero();
  }
}
