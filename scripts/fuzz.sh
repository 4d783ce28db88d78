#!/usr/bin/env bash
# Long fuzzing run of the frame decoder and reassembler with Jazzer's command line.
# Usage: scripts/fuzz.sh [seconds]   (default 3600). Findings are written to the current directory
# as crash-* files; the corpus grows in p2p-protocol/.cifuzz-corpus/long-run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-3600}"
mvn -q -B -ntp -pl p2p-protocol -am test-compile
mvn -q -B -ntp -pl p2p-protocol dependency:build-classpath -Dmdep.outputFile="$PWD/p2p-protocol/target/fuzz-classpath.txt"
corpus=p2p-protocol/.cifuzz-corpus/long-run
mkdir -p "$corpus"
exec java -cp "p2p-protocol/target/test-classes:p2p-protocol/target/classes:$(cat p2p-protocol/target/fuzz-classpath.txt)" \
  com.code_intelligence.jazzer.Jazzer \
  --target_class=dev.p2ptunnel.protocol.ReassemblerFuzzTest \
  -max_total_time="$seconds" "$corpus"
