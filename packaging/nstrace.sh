#!/bin/sh
# nstrace launcher of the release tarball and the .deb: PREFIX/bin/nstrace runs the Java runtime, jar and start-up
# cache in PREFIX/lib/nstrace, which scripts/package made together (a cache maps only into the runtime that wrote
# it). JVM options: PREFIX/lib/nstrace/jvm.args. -XX:AOTCache: classes loaded and linked ahead of time by a
# training run at package time (JDK 25); a cache the JVM cannot use is ignored (slower start, same behaviour).
# Shell built-ins only (readlink when started through a symlink): the image has no other programs.
self=$0
if [ -L "$self" ]; then self=$(readlink -f "$self"); fi
case $self in */*) ;; *) self=./$self ;; esac
lib=$(cd "${self%/*}/../lib/nstrace" && pwd -P) || exit 127
# The root's --help and --version map caches of their own (trained by each): the JVM loads every class of its
# cache at start, and the one trained by ps holds twice the classes they need.
case ${1-} in
    --version | -V) aot=nstrace-version.aot ;;
    --help | -h) aot=nstrace-help.aot ;;
    *) aot=nstrace.aot ;;
esac
exec "$lib/runtime/bin/java" @"$lib/jvm.args" -XX:AOTCache="$lib/$aot" -Xlog:aot=off -Xlog:cds=off -jar "$lib/nstrace.jar" "$@"
