package dev.edgegateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.edgegateway.identity.SealedCookie;
import dev.edgegateway.identity.ShopperHash;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The manifests agree with the jar at run time: the packaged gateway, started with the environment of the rendered
 * {@code k8s/overlays/dev} Deployment (its Secret and ConfigMap written where the pod would mount them, under a
 * temporary root; Redis at 127.0.0.1:6379; the manifests' ports when free), answers the Deployment's startup,
 * readiness and liveness probes on their ports, and uses the secrets the manifests mount: an identify call signed
 * with the Secret's customer token secret is accepted, the {@code edge_id} cookie it sets opens with the Secret's
 * cookie secret, and the log hashes the customer with the Secret's pepper.
 *
 * <p>Renders with {@code kubectl kustomize} (kustomize v5): the machine's, or the one {@code .ci/check-deploy}
 * installs. Without one the test is skipped, unless {@code REQUIRE_KUBECTL} is set (as {@code .ci/run} does).
 */
class ManifestAgreementIT {
  private static final Path PINNED_KUBECTL = Path.of(".ci/deploy-check/kubectl/bin/kubectl");
  private static final String CONTAINER = "edge-gateway";
  private static final String REDIS = "redis://127.0.0.1:6379";

  @TempDir
  Path root;

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  @SuppressWarnings("unchecked")
  void theDevDeploymentsEnvironmentStartsAGatewayThatAnswersItsProbesAndReadsItsSecrets() throws Exception {
    List<Map<String, Object>> objects = render("k8s/overlays/dev");
    Map<String, Object> deployment = find(objects, "Deployment", "edge-gateway");
    Map<String, Object> pod = at(deployment, "spec", "template", "spec");
    Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).stream()
        .filter(c -> CONTAINER.equals(c.get("name"))).findFirst().orElseThrow();

    // the pod's files under a temporary root: the Secret and the ConfigMap where they are mounted
    Map<String, Map<String, Object>> volumes = new HashMap<>();
    for (Map<String, Object> volume : (List<Map<String, Object>>) pod.get("volumes")) {
      volumes.put((String) volume.get("name"), volume);
    }
    Map<String, String> secretFiles = new LinkedHashMap<>();
    for (Map<String, Object> mount : (List<Map<String, Object>>) container.get("volumeMounts")) {
      String mountPath = (String) mount.get("mountPath");
      Map<String, Object> volume = volumes.get((String) mount.get("name"));
      Path dir = inRoot(mountPath);
      Files.createDirectories(dir);
      if (volume.get("secret") instanceof Map<?, ?> secret) {
        Map<String, Object> data = (Map<String, Object>) find(objects, "Secret", (String) secret.get("secretName")).get("data");
        for (Map.Entry<String, Object> e : data.entrySet()) {
          String value = new String(Base64.getDecoder().decode(String.valueOf(e.getValue())), StandardCharsets.UTF_8);
          Files.writeString(dir.resolve(e.getKey()), value);
          secretFiles.put(mountPath + "/" + e.getKey(), value);
        }
      } else if (volume.get("configMap") instanceof Map<?, ?> configMap) {
        Map<String, Object> data = (Map<String, Object>) find(objects, "ConfigMap", (String) configMap.get("name")).get("data");
        for (Map.Entry<String, Object> e : data.entrySet()) {
          Files.writeString(dir.resolve(e.getKey()), String.valueOf(e.getValue()));
        }
      }
    }

    // the container's environment, its paths moved under the root
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> secrets = new HashMap<>();
    for (Map<String, Object> var : (List<Map<String, Object>>) container.get("env")) {
      String name = (String) var.get("name");
      assertThat(var).as("%s: values only, no valueFrom (a secret in the environment)", name).containsKey("value");
      if (name.startsWith("EDGE_")) {
        String value = String.valueOf(var.get("value"));
        env.put(name, name.endsWith("_FILE") ? inRoot(value).toString() : value);
        if (name.endsWith("_FILE")) {
          secrets.put(name, secretFiles.get(value));
        }
      }
    }
    List<String> fileVariables = env.keySet().stream().filter(k -> k.endsWith("_FILE")).toList();
    assertThat(fileVariables).as("every secret mounted as a file").hasSize(4);
    for (String variable : fileVariables) {
      assertThat(secrets.get(variable)).as("%s names a key of the mounted Secret", variable).isNotNull();
    }
    assertThat(env).containsKey("EDGE_REDIS_URL");
    env.put("EDGE_REDIS_URL", REDIS);
    String keyPrefix = "manifest-it:" + UUID.randomUUID() + ":";
    env.put("EDGE_REDIS_KEY_PREFIX", keyPrefix); // so that what the test writes can be removed
    env.put("EDGE_WARMUP_PAGES", "100"); // the warm-up runs, shorter: what is checked is what comes after it

    // ports as the manifests set them, unless taken on this machine
    Map<String, Integer> ports = new HashMap<>();
    for (Map<String, Object> port : (List<Map<String, Object>>) container.get("ports")) {
      String name = (String) port.get("name");
      int number = ((Number) port.get("containerPort")).intValue();
      String variable = "EDGE_" + name.toUpperCase(java.util.Locale.ROOT) + "_PORT";
      assertThat(env.get(variable)).as("%s binds the container port %s", variable, name).isEqualTo(String.valueOf(number));
      int actual = free(number) ? number : anyFreePort();
      env.put(variable, String.valueOf(actual));
      ports.put(name, actual);
      ports.put(String.valueOf(number), actual);
    }

    Path workDir = inRoot((String) container.get("workingDir"));
    assertThat(workDir.resolve("conf/config.yaml")).as("the ConfigMap where the gateway reads its config").isRegularFile();
    List<String> command = (List<String>) container.get("command");
    assertThat(command).as("the image's entry point").containsExactly("java", "-jar", "/app/edge-gateway.jar");

    Vertx vertx = Vertx.vertx();
    try (PackagedJar jar = PackagedJar.start("manifest-agreement-it", workDir,
        List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), List.of(), env)) {
      // the warm-up's private gateway says "gateway up" too, on ports of its own
      jar.await(Pattern.compile("gateway up: api on [^ ]+:" + ports.get("http") + ","), 120_000);
      WebClient web = WebClient.create(vertx);
      for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
        Map<String, Object> httpGet = at(container, probe, "httpGet");
        int port = ports.get(String.valueOf(httpGet.get("port")));
        String path = (String) httpGet.get("path");
        Main.await(Awaits.untilAnswered(vertx, () -> web.get(port, "127.0.0.1", path).send().map(r -> r.statusCode() == 200),
            20_000, 100));
      }

      String tokenSecret = secrets.get("EDGE_CUSTOMER_TOKEN_SECRET_FILE");
      String cookieSecret = secrets.get("EDGE_COOKIE_SECRET_FILE");
      String pepper = secrets.get("EDGE_HASH_PEPPER_FILE");
      assertThat(List.of(tokenSecret, cookieSecret, pepper)).as("the dev Secret sets these").allMatch(v -> !v.isEmpty());

      int api = ports.get("http");
      String exchangeId = TestGateway.exchangeId("manifest-" + UUID.randomUUID());
      String customerId = String.valueOf(Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1_000_000_000L));
      HttpResponse<Buffer> wrong = identify(web, api, token(vertx, "not-the-mounted-secret", customerId), exchangeId);
      assertThat(wrong.statusCode()).as("a token signed with another secret").isEqualTo(401);
      HttpResponse<Buffer> identified = identify(web, api, token(vertx, tokenSecret, customerId), exchangeId);
      assertThat(identified.statusCode()).as("a token signed with the mounted customer token secret: %s",
          identified.bodyAsString()).isEqualTo(200);
      assertThat(identified.bodyAsJsonObject().getBoolean("linked")).isTrue();

      String sealed = identified.cookies().stream().filter(c -> c.startsWith(SealedCookie.COOKIE_NAME + "="))
          .map(c -> c.substring(SealedCookie.COOKIE_NAME.length() + 1, c.indexOf(';'))).findFirst().orElseThrow();
      assertThat(SealedCookie.fromSecret(cookieSecret, SealedCookie.PURPOSE_COOKIE, 86_400L).open(sealed))
          .as("edge_id sealed with the mounted cookie secret")
          .hasValueSatisfying(contents -> assertThat(contents.exchangeId()).isEqualTo(exchangeId));

      String customerHash = new ShopperHash(pepper).customerId(customerId);
      jar.await(Pattern.compile("identify: customer=" + Pattern.quote(customerHash) + " linked"), 10_000);
    } finally {
      Main.await(TestGateway.deleteRedisKeys(vertx, REDIS, keyPrefix));
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<Buffer> identify(WebClient web, int port, String token, String exchangeId) throws Exception {
    return Main.await(web.post(port, "127.0.0.1", "/v1/identify")
        .putHeader("Cookie", "__kla_id=" + TestGateway.klaCookie(exchangeId))
        .sendJsonObject(new JsonObject().put("customerToken", token)));
  }

  /** A BigCommerce-shaped customer token; the config the manifests mount sets no issuer or audience to match. */
  private static String token(Vertx vertx, String secret, String customerId) {
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    return signer.generateToken(new JsonObject().put("customer", new JsonObject().put("id", customerId)
        .put("email", "manifest-" + customerId + "@example.com").put("group_id", "0")), new JWTOptions().setExpiresInSeconds(600));
  }

  private Path inRoot(String absolutePath) {
    return root.resolve(absolutePath.replaceFirst("^/+", ""));
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Map<String, Object> object, String... path) {
    Object node = object;
    for (String key : path) {
      node = ((Map<String, Object>) node).get(key);
      assertThat(node).as("%s in the rendered manifests", String.join(".", path)).isNotNull();
    }
    return (T) node;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> find(List<Map<String, Object>> objects, String kind, String name) {
    return objects.stream().filter(o -> kind.equals(o.get("kind")) && name.equals(((Map<String, Object>) o.get("metadata")).get("name")))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in the rendered overlay"));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> render(String overlay) throws Exception {
    Path kubectl = kubectl();
    Process process = new ProcessBuilder(kubectl.toString(), "kustomize", "--load-restrictor", "LoadRestrictionsNone", overlay)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("kubectl kustomize %s", overlay).isZero();
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(new String(out, StandardCharsets.UTF_8))) {
      if (doc != null) {
        objects.add((Map<String, Object>) doc);
      }
    }
    return objects;
  }

  /** kubectl with kustomize v5, as .ci/check-deploy picks it: the machine's, else the pinned one it installed. */
  private static Path kubectl() throws Exception {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "kubectl"));
      }
    }
    candidates.add(PINNED_KUBECTL.toAbsolutePath());
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate) && kustomizeV5(candidate)) {
        return candidate;
      }
    }
    String why = "no kubectl with kustomize v5 (run `bash .ci/check-deploy` once: it installs one)";
    if (System.getenv("REQUIRE_KUBECTL") != null) {
      fail(why);
    }
    Assumptions.abort(why);
    return null;
  }

  private static boolean kustomizeV5(Path kubectl) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(kubectl.toString(), "version", "--client").redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return process.waitFor(30, TimeUnit.SECONDS) && out.contains("Kustomize Version: v5");
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int anyFreePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
