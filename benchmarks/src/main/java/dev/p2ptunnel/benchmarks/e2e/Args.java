package dev.p2ptunnel.benchmarks.e2e;

import dev.p2ptunnel.webrtc.WebRtcConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The few command-line arguments of the e2e tools: positionals, then {@code --key value} pairs and bare
 * {@code --flag}s. Not a general parser (the tools are driven by {@link E2eHarness}, not by people). Not thread-safe.
 */
final class Args {
  private final List<String> positional = new ArrayList<>();
  private final Map<String, List<String>> options = new HashMap<>();

  Args(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--")) {
        // A value may start with "--" when it holds a space: a list of options passed on, e.g. --demo-options.
        String value = i + 1 < args.length && (!args[i + 1].startsWith("--") || args[i + 1].contains(" "))
            ? args[++i] : "";
        options.computeIfAbsent(a.substring(2), k -> new ArrayList<>()).add(value);
      } else {
        positional.add(a);
      }
    }
  }

  String positional(int index, String name) {
    if (index >= positional.size()) {
      throw new IllegalArgumentException(name + ": missing (expected: positional argument " + (index + 1) + ")");
    }
    return positional.get(index);
  }

  boolean has(String key) {
    return options.containsKey(key);
  }

  String get(String key, String fallback) {
    List<String> values = options.get(key);
    return values == null ? fallback : values.get(values.size() - 1);
  }

  long getLong(String key, long fallback) {
    String value = get(key, Long.toString(fallback));
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " " + value + " (expected: a whole number)", e);
    }
  }

  List<String> all(String key) {
    return options.getOrDefault(key, List.of());
  }

  /**
   * The ICE servers of {@code --stun URL} (repeatable) and {@code --turn URL --turn-user U --turn-pass P}, with the
   * library's default watermarks (the same configuration the demo's {@code --stun}/{@code --turn} options build)
   * unless {@code --high-watermark B [--low-watermark B]} set others.
   */
  WebRtcConfig webRtcConfig() {
    List<WebRtcConfig.IceServer> servers = new ArrayList<>();
    for (String url : all("stun")) {
      servers.add(WebRtcConfig.IceServer.stun(url));
    }
    if (has("turn")) {
      servers.add(WebRtcConfig.IceServer.turn(get("turn", ""), get("turn-user", ""), get("turn-pass", "")));
    }
    WebRtcConfig.Builder builder = WebRtcConfig.builder().iceServers(servers);
    if (has("high-watermark")) { // experiments: the send queue's watermarks (the limit stays the default)
      WebRtcConfig defaults = builder.build();
      builder.sendQueue(getLong("high-watermark", defaults.highWatermarkBytes()),
          getLong("low-watermark", defaults.lowWatermarkBytes()), defaults.sendLimitBytes());
    }
    return builder.build();
  }
}
