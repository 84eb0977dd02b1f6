package dev.edgegateway.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/** The demo storefront page and the dependency-free banner snippet, served from the jar. */
final class StaticAssets {
  private StaticAssets() {
  }

  static void mount(Router router) {
    router.get("/assets/*").handler(StaticHandler.create("webroot/assets").setCachingEnabled(true).setMaxAgeSeconds(300));
    router.get("/demo/*").handler(StaticHandler.create("webroot/demo").setCachingEnabled(false));
  }
}
