package dev.p2ptunnel.benchmarks.e2e;

import java.nio.file.Path;

/**
 * What every step of one lab variant works with: the {@link VariantRun} that starts its tunnels and tool commands, the
 * harness that starts its processes, the settings, the variant's work directory and the result it fills in. Built
 * once by {@link VariantRun#run()}; used on the harness thread only (the record is immutable, the result is not).
 */
record StepContext(VariantRun run, E2eHarness harness, E2eHarness.Settings settings, Path dir, VariantResult result) {}
