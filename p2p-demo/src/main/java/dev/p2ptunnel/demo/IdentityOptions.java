package dev.p2ptunnel.demo;

import dev.p2ptunnel.webrtc.Identity;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code --config-dir}: where this installation keeps its identity and trust lists. Set by picocli. */
final class IdentityOptions {
  @Nullable Path configDir;

  /** Adds {@code --config-dir} to {@code spec}. */
  void addTo(CommandSpec spec) {
    spec.addOption(Cli.option("--config-dir", "DIR", Path.class, () -> configDir, v -> configDir = v,
        "Where the identity (a DTLS certificate made once), trusted clients and known hosts are kept (default: "
            + "$XDG_CONFIG_HOME/p2p-tunnel or ~/.config/p2p-tunnel; %%APPDATA%%\\p2p-tunnel on Windows; "
            + "~/Library/Application Support/p2p-tunnel on macOS).").build());
  }

  Path directory() {
    return configDir != null ? configDir : Identity.defaultDirectory();
  }

  /** The identity, created on first use; a damaged or unwritable directory is the user's to fix. */
  Identity identity() {
    try {
      return Identity.loadOrCreate(directory());
    } catch (UncheckedIOException | IllegalArgumentException e) {
      throw new UserError("cannot use the identity in " + directory() + ": " + e.getMessage()
          + "; choose another --config-dir, or fix the directory's permissions", e);
    }
  }
}
