package dev.edgegateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgegateway.identity.IdentityOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code EDGE_X_FILE}: each secret read from a mounted file, as the Kubernetes manifests give them. */
class SecretFilesTest {
  private static final Map<String, Function<IdentityOptions, String>> OWNERS = Map.of(
      "EDGE_COOKIE_SECRET", IdentityOptions::cookieSecret,
      "EDGE_HASH_PEPPER", IdentityOptions::hashPepper,
      "EDGE_CUSTOMER_TOKEN_SECRET", IdentityOptions::customerTokenSecret,
      "EDGE_KLAVIYO_PRIVATE_KEY", IdentityOptions::klaviyoPrivateKey);

  @TempDir
  Path dir;

  @Test
  void theSecretsAreTheOnesTheManifestsMount() {
    assertThat(Settings.SECRETS.stream().map(Setting::env)).containsExactlyInAnyOrderElementsOf(OWNERS.keySet());
  }

  @ParameterizedTest
  @ValueSource(strings = {"EDGE_COOKIE_SECRET", "EDGE_HASH_PEPPER", "EDGE_CUSTOMER_TOKEN_SECRET", "EDGE_KLAVIYO_PRIVATE_KEY"})
  void theFilesContentIsTheValueWithoutItsTrailingNewline(String variable) throws IOException {
    // `echo secret > file` and `kubectl create secret --from-file` both leave a line break at the end
    Path file = write(variable, "s3cret value from a file\n");
    IdentityOptions options = identity(Map.of(variable + "_FILE", file.toString()));
    assertThat(OWNERS.get(variable).apply(options)).isEqualTo("s3cret value from a file");

    Path crlf = write(variable + "-crlf", "windows-made\r\n");
    assertThat(OWNERS.get(variable).apply(identity(Map.of(variable + "_FILE", crlf.toString())))).isEqualTo("windows-made");
  }

  @Test
  void aBlankFileVariableIsNotSet() {
    assertThat(identity(Map.of("EDGE_COOKIE_SECRET_FILE", "", "EDGE_COOKIE_SECRET", "from-env")).cookieSecret())
        .isEqualTo("from-env");
  }

  @ParameterizedTest
  @ValueSource(strings = {"EDGE_COOKIE_SECRET", "EDGE_HASH_PEPPER", "EDGE_CUSTOMER_TOKEN_SECRET", "EDGE_KLAVIYO_PRIVATE_KEY"})
  void theValueAndTheFileTogetherStopTheStartNamingBoth(String variable) throws IOException {
    Path file = write(variable, "from-file");
    assertThatThrownBy(() -> identity(Map.of(variable, "from-env", variable + "_FILE", file.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(variable + " and " + variable + "_FILE")
        .hasMessageNotContaining("from-env").hasMessageNotContaining("from-file");
  }

  @Test
  void aMissingFileStopsTheStartNamingThePath() {
    Path missing = dir.resolve("no-such-secret");
    assertThatThrownBy(() -> identity(Map.of("EDGE_HASH_PEPPER_FILE", missing.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EDGE_HASH_PEPPER_FILE").hasMessageContaining(missing.toString());
  }

  @Test
  void aDirectoryStopsTheStartNamingThePath() {
    assertThatThrownBy(() -> identity(Map.of("EDGE_COOKIE_SECRET_FILE", dir.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EDGE_COOKIE_SECRET_FILE").hasMessageContaining(dir.toString());
  }

  @Test
  void aFileTooBigToBeASecretStopsTheStartWithoutShowingIt() throws IOException {
    String content = "TOP-SECRET-" + "x".repeat(SecretFiles.MAX_BYTES);
    Path big = write("big", content);
    assertThatThrownBy(() -> identity(Map.of("EDGE_KLAVIYO_PRIVATE_KEY_FILE", big.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(big.toString())
        .hasMessageNotContaining("TOP-SECRET");
  }

  @Test
  void theResolvedConfigHoldsTheValueNotThePath() throws IOException {
    Path file = write("cookie", "cookie-from-file\n");
    JsonObject config = GatewayConfig.resolve(new JsonObject(), Map.of("EDGE_COOKIE_SECRET_FILE", file.toString()));
    assertThat(GatewayConfig.get(config, Settings.COOKIE_SECRET.path())).isEqualTo("cookie-from-file");
    assertThat(config.encode()).doesNotContain(file.toString());
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  private static IdentityOptions identity(Map<String, String> env) {
    return IdentityOptions.from(GatewayConfig.resolve(new JsonObject(), env));
  }
}
