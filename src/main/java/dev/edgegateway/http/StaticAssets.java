package dev.edgegateway.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/** The dependency-free banner snippet and, when asked for ({@code --demo}, {@code EDGE_DEMO_PAGE}), the demo page. */
final class StaticAssets {
  private StaticAssets() {
  }

  static void mount(Router router, boolean demoPage) {
    router.get("/assets/*").handler(StaticHandler.create("webroot/assets").setCachingEnabled(true).setMaxAgeSeconds(300));
    if (demoPage) {
      router.get("/demo/*").handler(StaticHandler.create("webroot/demo").setCachingEnabled(false));
    }
  }
}
