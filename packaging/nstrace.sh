#!/bin/sh
# nstrace launcher of the release tarball, the .deb and the image: PREFIX/bin/nstrace runs the Java runtime, jar
# and start-up cache in PREFIX/lib/nstrace, which scripts/package made together (the cache maps only into the
# runtime that wrote it). Same JVM options as scripts/nstrace:
#   -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData: start-up matters for one-shot commands (ps);
#   -Xmn8m: a small fixed young generation, so a long recording's RSS stays flat;
#   -XX:MaxRAM=64g: the heap stays below 32 GB on big nodes, so compressed oops stay on and the cache (made with
#     them) maps; 25% of at most 64 GB is far more heap than nstrace uses;
#   -XX:AOTCache: classes loaded and linked ahead of time by a training run at package time (JDK 25, JEP 483).
#     A cache the JVM cannot use is ignored (slower start, same behaviour).
set -e
prefix=$(dirname "$(dirname "$(readlink -f "$0")")")
lib=$prefix/lib/nstrace
exec "$lib/runtime/bin/java" -XX:+UseSerialGC -Xmn8m -XX:TieredStopAtLevel=1 -XX:-UsePerfData -XX:MaxRAM=64g \
    -XX:AOTCache="$lib/nstrace.aot" -Xlog:aot=off -Xlog:cds=off -jar "$lib/nstrace.jar" "$@"
