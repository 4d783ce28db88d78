package dev.p2ptunnel.protocol;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

/**
 * The long fuzzing run of {@link CoalescingFuzzTest}'s target, in the stress profile only
 * ({@code mvn -B -ntp -Pstress verify}); the default build fuzzes it for seconds. Its corpus is its own
 * ({@code .cifuzz-corpus/}), so what it finds is replayed by later runs.
 */
@Tag("stress")
class CoalescingFuzzStressTest {

  @FuzzTest(maxDuration = "2m")
  void splitTilesEveryMessageAndNeverFails(FuzzedDataProvider data) {
    CoalescingFuzzTest.fuzzerTestOneInput(data);
  }
}
