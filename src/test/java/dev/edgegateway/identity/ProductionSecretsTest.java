package dev.edgegateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgegateway.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Finding 7 of issue 15: outside {@code --demo} the gateway does not start on the public default pepper or without
 * a cookie secret, and says which variable to set ({@code Main} calls {@link ProductionSecrets#check} before
 * anything listens). Before, it started and a logged {@code customer=} hash was reversed by enumeration.
 */
class ProductionSecretsTest {
  private static IdentityOptions options(Map<String, String> env) {
    return IdentityOptions.from(GatewayConfig.resolve(new JsonObject(), env));
  }

  @Test
  void theDefaultPepperOrNoCookieSecretStopsTheStartNamingTheVariable() {
    assertThatThrownBy(() -> ProductionSecrets.check(options(Map.of("EDGE_COOKIE_SECRET", "c"))))
        .hasMessageContaining("EDGE_HASH_PEPPER").hasMessageNotContaining("EDGE_COOKIE_SECRET");
    assertThatThrownBy(() -> ProductionSecrets.check(options(Map.of("EDGE_HASH_PEPPER", "p"))))
        .hasMessageContaining("EDGE_COOKIE_SECRET").hasMessageNotContaining("EDGE_HASH_PEPPER ");
    assertThatThrownBy(() -> ProductionSecrets.check(options(Map.of("EDGE_COOKIE_SECRET", " , "))))
        .hasMessageContaining("EDGE_COOKIE_SECRET is not set");
    assertThat(ProductionSecrets.problems(options(Map.of("EDGE_HASH_PEPPER", "p", "EDGE_COOKIE_SECRET", "c")))).isEmpty();
  }
}
