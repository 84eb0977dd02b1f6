package dev.edgegateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code EDGE_X_FILE}: the secret {@code EDGE_X} read from a file (a Kubernetes Secret mounted as files), so that
 * no secret has to sit in the environment. The content is the value, with trailing line breaks removed. Setting
 * both {@code EDGE_X} and {@code EDGE_X_FILE}, or naming a file that cannot be read, stops the start; the message
 * names the variables and the path, never what the file holds.
 */
final class SecretFiles {
  static final String SUFFIX = "_FILE";
  /** Far more than any key or pepper: a bigger file is a wrong path, not a secret. */
  static final int MAX_BYTES = 64 * 1024;

  private SecretFiles() {
  }

  /** {@code env} with every secret named by an {@code *_FILE} variable put under its own variable. */
  static Map<String, String> apply(Map<String, String> env) {
    Map<String, String> out = null;
    for (Setting secret : Settings.SECRETS) {
      String fileVariable = secret.env() + SUFFIX;
      String path = env.get(fileVariable);
      if (path == null || path.isBlank()) {
        continue; // `EDGE_X_FILE=` left blank in a manifest: not set
      }
      if (env.containsKey(secret.env())) {
        throw new IllegalArgumentException(secret.env() + " and " + fileVariable + " are both set: set one of them");
      }
      if (out == null) {
        out = new HashMap<>(env);
      }
      out.put(secret.env(), read(fileVariable, Path.of(path.trim())));
    }
    return out == null ? env : out;
  }

  private static String read(String variable, Path path) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException | SecurityException e) {
      // the exception's class says why (no such file, a directory, denied) without echoing anything read
      throw new IllegalArgumentException(variable + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
    }
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(variable + ": " + path + " is larger than " + MAX_BYTES + " bytes");
    }
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }
}
