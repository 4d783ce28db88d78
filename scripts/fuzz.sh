#!/usr/bin/env bash
# Long fuzzing run with Jazzer's command line: the frame decoder and reassembler, or the split of coalesced messages.
# Usage: scripts/fuzz.sh [seconds] [reassembler|coalescing]   (default 3600 reassembler). Findings are written to the
# current directory as crash-* files; the corpus grows in p2p-protocol/.cifuzz-corpus/long-run[-coalescing].
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-3600}"
case "${2:-reassembler}" in
  reassembler) target=ReassemblerFuzzTest corpus=p2p-protocol/.cifuzz-corpus/long-run ;;
  coalescing) target=CoalescingFuzzTest corpus=p2p-protocol/.cifuzz-corpus/long-run-coalescing ;;
  *) echo "fuzz.sh: target ${2} (expected: reassembler or coalescing)" >&2; exit 2 ;;
esac
mvn -q -B -ntp -pl p2p-protocol -am test-compile
mvn -q -B -ntp -pl p2p-protocol dependency:build-classpath -Dmdep.outputFile="$PWD/p2p-protocol/target/fuzz-classpath.txt"
mkdir -p "$corpus"
exec java -cp "p2p-protocol/target/test-classes:p2p-protocol/target/classes:$(cat p2p-protocol/target/fuzz-classpath.txt)" \
  com.code_intelligence.jazzer.Jazzer \
  --target_class=dev.p2ptunnel.protocol.$target \
  -max_total_time="$seconds" "$corpus"
