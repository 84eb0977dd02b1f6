package dev.edgegateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every load here is a Promise completed by hand, so which caller sees what is decided by the test. */
@ExtendWith(VertxExtension.class)
class SingleFlightTest {
  private Vertx vertx;
  private final AtomicInteger loads = new AtomicInteger();
  private final List<Promise<String>> pending = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A loader whose n-th call returns the n-th pending promise's future. */
  private Function<Deadline, Future<String>> controlled() {
    return deadline -> {
      loads.incrementAndGet();
      Promise<String> p = Promise.promise();
      pending.add(p);
      return p.future();
    };
  }

  private static Deadline longDeadline() {
    return Deadline.in(10_000);
  }

  @Test
  void twoHundredConcurrentCallersShareOneLoad(VertxTestContext ctx) {
    SingleFlight<String> flights = new SingleFlight<>(vertx, "t", SingleFlightOptions.defaults());
    vertx.runOnContext(v -> {
      List<Future<String>> callers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        callers.add(flights.run("seg:k", longDeadline(), controlled()));
      }
      ctx.verify(() -> {
        assertThat(loads).hasValue(1);
        assertThat(flights.inFlight()).isEqualTo(1);
        assertThat(callers).noneMatch(Future::isComplete);
      });
      pending.get(0).complete("segments");
      Future.all(callers).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
        assertThat(callers).allMatch(f -> "segments".equals(f.result()));
        assertThat(flights.inFlight()).isZero();
        assertThat(loads).hasValue(1);
        ctx.completeNow();
      })));
    });
  }

  @Test
  void followersGetTheLeadersErrorAndANewFlightStartsOnlyAfterItSettled(VertxTestContext ctx) {
    SingleFlight<String> flights = new SingleFlight<>(vertx, "t", SingleFlightOptions.defaults());
    OutcomeException failure = new OutcomeException(Outcome.UPSTREAM_ERROR, "klevu 503");
    vertx.runOnContext(v -> {
      List<Future<String>> callers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        callers.add(flights.run("seg:k", longDeadline(), controlled()));
      }
      ctx.verify(() -> assertThat(flights.isFlying("seg:k")).isTrue());
      pending.get(0).fail(failure);
      Future.join(callers).onComplete(ar -> ctx.verify(() -> {
        for (Future<String> caller : callers) {
          assertThat(caller.failed()).isTrue();
          assertThat(caller.cause()).isSameAs(failure);
        }
        assertThat(loads).as("one upstream call for the whole failure").hasValue(1);
        assertThat(flights.isFlying("seg:k")).isFalse();
        Future<String> next = flights.run("seg:k", longDeadline(), controlled());
        assertThat(loads).as("a new flight after the first settled").hasValue(2);
        pending.get(1).complete("recovered");
        next.onComplete(ctx.succeeding(value -> ctx.verify(() -> {
          assertThat(value).isEqualTo("recovered");
          ctx.completeNow();
        })));
      }));
    });
  }

  @Test
  void aWaiterPastItsDeadlineFailsWithTimeoutWhileTheFlightGoesOn(VertxTestContext ctx) {
    SingleFlight<String> flights = new SingleFlight<>(vertx, "t", SingleFlightOptions.defaults());
    vertx.runOnContext(v -> {
      Future<String> hurried = flights.run("seg:k", Deadline.in(30), controlled());
      Future<String> patient = flights.run("seg:k", longDeadline(), controlled());
      hurried.onComplete(ctx.failing(t -> ctx.verify(() -> {
        assertThat(OutcomeException.outcomeOf(t)).isEqualTo(Outcome.TIMEOUT);
        assertThat(flights.isFlying("seg:k")).as("giving up does not cancel the flight").isTrue();
        assertThat(patient.isComplete()).isFalse();
        pending.get(0).complete("late but fine");
        patient.onComplete(ctx.succeeding(value -> ctx.verify(() -> {
          assertThat(value).isEqualTo("late but fine");
          assertThat(loads).hasValue(1);
          ctx.completeNow();
        })));
      })));
    });
  }

  @Test
  void aSettlingLeaderWaitsOnTheLoadItselfWhileFollowersKeepTheirOwnDeadlines(VertxTestContext ctx) {
    SingleFlight<String> flights = new SingleFlight<>(vertx, "t", SingleFlightOptions.defaults());
    vertx.runOnContext(v -> {
      // the leader's own deadline is long spent by the time the load settles: it still gets the result
      Future<String> leader = flights.runSettling("page:k", Deadline.in(20), controlled());
      Future<String> hurried = flights.runSettling("page:k", Deadline.in(20), controlled());
      Future<String> patient = flights.runSettling("page:k", longDeadline(), controlled());
      hurried.onComplete(ctx.failing(t -> ctx.verify(() -> {
        assertThat(OutcomeException.outcomeOf(t)).as("a follower still times out").isEqualTo(Outcome.TIMEOUT);
        assertThat(leader.isComplete()).as("the leader has no timer of its own").isFalse();
        pending.get(0).complete("page");
        Future.all(leader, patient).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(leader.result()).isEqualTo("page");
          assertThat(patient.result()).isEqualTo("page");
          assertThat(loads).hasValue(1);
          ctx.completeNow();
        })));
      })));
    });
  }

  @Test
  void aDeadlineAlreadySpentFailsAtOnce(VertxTestContext ctx) {
    SingleFlight<String> flights = new SingleFlight<>(vertx, "t", SingleFlightOptions.defaults());
    vertx.runOnContext(v -> {
      flights.run("seg:k", longDeadline(), controlled());
      Future<String> late = flights.run("seg:k", Deadline.in(0), controlled());
      ctx.verify(() -> {
        assertThat(late.failed()).isTrue();
        assertThat(OutcomeException.outcomeOf(late.cause())).isEqualTo(Outcome.TIMEOUT);
      });
      pending.get(0).complete("x");
      ctx.completeNow();
    });
  }

  @Test
  void aLoaderThatThrowsSettlesTheFlight(VertxTestContext ctx) {
    SingleFlight<String> flights = new SingleFlight<>(vertx, "t", SingleFlightOptions.defaults());
    IllegalStateException boom = new IllegalStateException("boom");
    vertx.runOnContext(v -> {
      Future<String> thrown = flights.run("seg:k", longDeadline(), deadline -> {
        throw boom;
      });
      Future<String> nothing = flights.run("seg:other", longDeadline(), deadline -> null);
      thrown.onComplete(ctx.failing(t -> ctx.verify(() -> {
        assertThat(t).isSameAs(boom);
        assertThat(flights.inFlight()).isZero();
        assertThat(nothing.failed()).isTrue();
        assertThat(OutcomeException.outcomeOf(nothing.cause())).isEqualTo(Outcome.INTERNAL);
        Future<String> again = flights.run("seg:k", longDeadline(), controlled());
        assertThat(loads).hasValue(1);
        pending.get(0).complete("ok");
        again.onComplete(ctx.succeeding(value -> ctx.completeNow()));
      })));
    });
  }

  @Test
  void tooManyWaitersOnOneKeyAreTurnedAwayWithOverloaded(VertxTestContext ctx) {
    SingleFlight<String> flights = new SingleFlight<>(vertx, "t", SingleFlightOptions.from(ConfigReader.defaults()
        .with(Settings.FLIGHT_MAX_WAITERS, 5)));
    vertx.runOnContext(v -> {
      List<Future<String>> admitted = new ArrayList<>();
      for (int i = 0; i < 6; i++) { // the leader and five followers
        admitted.add(flights.run("seg:k", longDeadline(), controlled()));
      }
      Future<String> overflow = flights.run("seg:k", longDeadline(), controlled());
      ctx.verify(() -> {
        assertThat(overflow.failed()).isTrue();
        assertThat(OutcomeException.outcomeOf(overflow.cause())).isEqualTo(Outcome.OVERLOADED);
        assertThat(admitted).noneMatch(Future::isComplete);
        assertThat(loads).hasValue(1);
      });
      pending.get(0).complete("v");
      Future.all(admitted).onComplete(ctx.succeedingThenComplete());
    });
  }

  @Test
  void tooManyFlightsAtOnceTurnNewLeadersAway(VertxTestContext ctx) {
    SingleFlight<String> flights = new SingleFlight<>(vertx, "t", SingleFlightOptions.from(ConfigReader.defaults()
        .with(Settings.FLIGHT_MAX_FLIGHTS, 2)));
    vertx.runOnContext(v -> {
      flights.run("a", longDeadline(), controlled());
      flights.run("b", longDeadline(), controlled());
      Future<String> third = flights.run("c", longDeadline(), controlled());
      Future<String> follower = flights.run("a", longDeadline(), controlled());
      ctx.verify(() -> {
        assertThat(OutcomeException.outcomeOf(third.cause())).isEqualTo(Outcome.OVERLOADED);
        assertThat(follower.isComplete()).as("joining an existing flight is still allowed").isFalse();
      });
      pending.forEach(p -> p.complete("v"));
      follower.onComplete(ctx.succeedingThenComplete());
    });
  }

  @Test
  void aFlightOlderThanItsMaxAgeLetsANewcomerStartAnother(VertxTestContext ctx) {
    SingleFlight<String> flights = new SingleFlight<>(vertx, "t", SingleFlightOptions.from(ConfigReader.defaults()
        .with(Settings.FLIGHT_MAX_AGE_MS, 100)));
    vertx.runOnContext(v -> {
      Future<String> first = flights.run("seg:k", longDeadline(), controlled());
      long giveUp = System.currentTimeMillis() + 5_000;
      vertx.setPeriodic(10, id -> {
        if (flights.isFlying("seg:k")) {
          if (System.currentTimeMillis() > giveUp && vertx.cancelTimer(id)) {
            ctx.failNow(new AssertionError("flight never aged out"));
          }
          return;
        }
        vertx.cancelTimer(id);
        Future<String> newcomer = flights.run("seg:k", longDeadline(), controlled());
        ctx.verify(() -> assertThat(loads).as("a stuck flight does not hold the key").hasValue(2));
        // the old flight settling late must not unregister the new one
        pending.get(0).complete("old");
        first.compose(old -> {
          ctx.verify(() -> {
            assertThat(old).isEqualTo("old");
            assertThat(flights.isFlying("seg:k")).isTrue();
          });
          Future<String> joiner = flights.run("seg:k", longDeadline(), controlled());
          ctx.verify(() -> assertThat(loads).hasValue(2));
          pending.get(1).complete("new");
          return Future.all(newcomer, joiner).map(all -> joiner.result());
        }).onComplete(ctx.succeeding(joined -> ctx.verify(() -> {
          assertThat(newcomer.result()).isEqualTo("new");
          assertThat(joined).isEqualTo("new");
          ctx.completeNow();
        })));
      });
    });
  }

  @Test
  void aFollowerWakesOnItsOwnEventLoop(VertxTestContext ctx) {
    SingleFlight<String> flights = new SingleFlight<>(vertx, "t", SingleFlightOptions.defaults());
    // two event loops (getOrCreateContext would give this test thread's one sticky context twice)
    Context leaderContext = ((VertxInternal) vertx).createEventLoopContext();
    Context followerContext = ((VertxInternal) vertx).createEventLoopContext();
    leaderContext.runOnContext(v -> {
      flights.run("seg:k", longDeadline(), controlled());
      followerContext.runOnContext(w -> flights.run("seg:k", longDeadline(), controlled())
          .onComplete(ctx.succeeding(value -> ctx.verify(() -> {
            assertThat(Vertx.currentContext()).isSameAs(followerContext);
            assertThat(value).isEqualTo("v");
            ctx.completeNow();
          }))));
      // completed from the leader's loop once the follower has joined
      vertx.setPeriodic(5, id -> {
        double followers = dev.edgegateway.metrics.Metrics.of(vertx)
            .counter("edge_singleflight_calls_total", "flight", "t", "role", "follower").count();
        if (followers == 1.0 && vertx.cancelTimer(id)) {
          leaderContext.runOnContext(x -> pending.get(0).complete("v"));
        }
      });
    });
  }

  @Test
  void followersOnOtherEventLoopsAreHandedTheResultBeforeThisLoopAnswersItsOwn(VertxTestContext ctx) {
    SingleFlight<String> flights = new SingleFlight<>(vertx, "t", SingleFlightOptions.defaults());
    Context leaderContext = ((VertxInternal) vertx).createEventLoopContext();
    Context otherContext = ((VertxInternal) vertx).createEventLoopContext();
    CountDownLatch otherLoopWoken = new CountDownLatch(1);
    leaderContext.runOnContext(v -> {
      flights.run("seg:k", longDeadline(), controlled());
      // joins first, on the leader's loop: it holds that loop until the other loop's follower has its result,
      // which it only can if its hand-off was made before this one ran
      flights.run("seg:k", longDeadline(), controlled()).onComplete(ctx.succeeding(value -> {
        boolean handedOffFirst;
        try {
          handedOffFirst = otherLoopWoken.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          handedOffFirst = false;
        }
        boolean released = handedOffFirst;
        ctx.verify(() -> {
          assertThat(released).as("the other loop's follower woke while this loop's was still running").isTrue();
          ctx.completeNow();
        });
      }));
      Thread leaderThread = Thread.currentThread();
      otherContext.runOnContext(w -> {
        ctx.verify(() -> assertThat(Thread.currentThread()).isNotSameAs(leaderThread));
        flights.run("seg:k", longDeadline(), controlled())
            .onComplete(ctx.succeeding(value -> otherLoopWoken.countDown()));
      });
      vertx.setPeriodic(5, id -> {
        double followers = dev.edgegateway.metrics.Metrics.of(vertx)
            .counter("edge_singleflight_calls_total", "flight", "t", "role", "follower").count();
        if (followers == 2.0 && vertx.cancelTimer(id)) {
          leaderContext.runOnContext(x -> pending.get(0).complete("v"));
        }
      });
    });
  }
}
