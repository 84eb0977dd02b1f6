package dev.edgegateway.cache;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.Executor;

/**
 * Where the gateway's Caffeine caches do their upkeep (draining their buffers, evicting, expiring). On an event
 * loop: as a task of that same loop, so it runs after the I/O being handled (a cold page is written before the
 * upkeep of the entries it stored) and wakes no other thread (a wake-up of the common pool after every few reads
 * of a hot key costs more than the upkeep itself). Anywhere else: at once, on the caller.
 */
public final class LoopUpkeep implements Executor {
  public static final LoopUpkeep INSTANCE = new LoopUpkeep();

  private LoopUpkeep() {
  }

  @Override
  public void execute(Runnable upkeep) {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal loop && context.isEventLoopContext() && Context.isOnEventLoopThread()) {
      loop.nettyEventLoop().execute(upkeep);
    } else {
      upkeep.run();
    }
  }
}
