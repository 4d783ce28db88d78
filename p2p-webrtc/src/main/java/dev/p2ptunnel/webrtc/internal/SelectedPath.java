package dev.p2ptunnel.webrtc.internal;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import dev.p2ptunnel.webrtc.PathType;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reads the selected candidate pair out of a stats report. Stateless. */
final class SelectedPath {
  private SelectedPath() {}

  /**
   * The transport's {@code selectedCandidatePairId}, else the nominated succeeded pair; relayed if either
   * candidate is of type {@code relay}. Null if no pair is selected yet.
   */
  static @Nullable PathType of(RTCStatsReport report) {
    Map<String, RTCStats> all = report.getStats();
    RTCStats pair = null;
    for (RTCStats stats : all.values()) {
      if (stats.getType() == RTCStatsType.TRANSPORT) {
        Object id = stats.getAttributes().get("selectedCandidatePairId");
        if (id != null) {
          pair = all.get(id.toString());
        }
      }
    }
    if (pair == null) {
      for (RTCStats stats : all.values()) {
        Map<String, Object> a = stats.getAttributes();
        if (stats.getType() == RTCStatsType.CANDIDATE_PAIR && Boolean.TRUE.equals(a.get("nominated"))
            && "succeeded".equals(a.get("state"))) {
          pair = stats;
        }
      }
    }
    if (pair == null) {
      return null;
    }
    boolean relayed = isRelay(all.get(String.valueOf(pair.getAttributes().get("localCandidateId"))))
        || isRelay(all.get(String.valueOf(pair.getAttributes().get("remoteCandidateId"))));
    return relayed ? PathType.RELAYED : PathType.DIRECT;
  }

  private static boolean isRelay(@Nullable RTCStats candidate) {
    return candidate != null && "relay".equals(candidate.getAttributes().get("candidateType"));
  }
}
