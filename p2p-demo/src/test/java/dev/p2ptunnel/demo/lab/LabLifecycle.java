package dev.p2ptunnel.demo.lab;

import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.jspecify.annotations.Nullable;

/**
 * Brings the lab up with one variant before a test class and down after it; skips the class (with the reason
 * printed) where the lab cannot run. {@code down} runs whenever {@code up} was attempted, even if it failed halfway.
 * Register it as a static {@code @RegisterExtension} field.
 */
final class LabLifecycle implements BeforeAllCallback, AfterAllCallback {
  private final String variant;
  private @Nullable NetLab lab;
  private boolean touched;

  LabLifecycle(String variant) {
    this.variant = variant;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    NetLab.assumeAvailable();
    touched = true;
    lab = NetLab.up(variant);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (touched) {
      NetLab.down();
    }
  }

  /** The running lab. */
  NetLab lab() {
    return Objects.requireNonNull(lab, "lab: not up (expected: inside the test class's tests)");
  }
}
