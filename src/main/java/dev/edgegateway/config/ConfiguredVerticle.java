package dev.edgegateway.config;

import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * A verticle that can be handed its settings at construction instead of through {@code DeploymentOptions}.
 *
 * <p>Vert.x 5's HttpClient builds a new context for every request it sends, and that copies the deploying
 * verticle's {@code DeploymentOptions}, config included. The gateway's whole config on every Klevu and Klaviyo
 * call cost about 4 % of the event loops' CPU on a cold page, so the verticles that call upstream are deployed
 * with no config and get it here; deployed the usual way (tests), {@link #config()} is the deployment's.
 */
public abstract class ConfiguredVerticle extends VerticleBase {
  private JsonObject settings;

  /** The settings {@link #config()} answers with, instead of the deployment's config. */
  public ConfiguredVerticle withSettings(JsonObject settings) {
    this.settings = settings;
    return this;
  }

  @Override
  public JsonObject config() {
    return settings != null ? settings : super.config();
  }
}
