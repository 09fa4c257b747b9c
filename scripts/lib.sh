# Shared by the scripts: finds a JDK >= 25 and builds target/nstrace.jar when it is missing or stale.
# Sourced, not run. Sets JAVA_HOME and NSTRACE_JAR.

# Bash built-ins only on the path every `scripts/nstrace` takes: each fork costs a few ms, more on a busy machine.
NSTRACE_HOME=${BASH_SOURCE[0]%/*}
[ "$NSTRACE_HOME" != "${BASH_SOURCE[0]}" ] || NSTRACE_HOME=.
case $NSTRACE_HOME in
    /*/scripts) NSTRACE_HOME=${NSTRACE_HOME%/scripts} ;;
    *) NSTRACE_HOME=$(cd "$NSTRACE_HOME/.." && pwd) ;;
esac
NSTRACE_JAR="$NSTRACE_HOME/target/nstrace.jar"

java_major() { # prints the feature version of $1/bin/java, or nothing; the JDK's release file spares a JVM start
    if [ -r "$1/release" ]; then
        local line v
        while IFS= read -r line || [ -n "$line" ]; do
            case $line in JAVA_VERSION=\"[0-9]*)
                v=${line#JAVA_VERSION=\"}
                echo "${v%%[!0-9]*}"
                return ;;
            esac
        done <"$1/release"
        return
    fi
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2; exit}'
}

find_jdk() {
    local candidate v
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
        v=$(java_major "$candidate")
        if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then
            JAVA_HOME=$candidate
            export JAVA_HOME
            return 0
        fi
    done
    echo "nstrace: no JDK 25 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*); install one, e.g. Temurin 25, and set JAVA_HOME" >&2
    return 3
}

# Whether a file under src/main, or pom.xml, is newer than the jar (or the jar is missing). A walk of built-ins
# (globstar and test -nt): ~200 files in about a millisecond, where `find` cost a fork and an exec on every run.
jar_is_stale() {
    [ -f "$NSTRACE_JAR" ] || return 0
    [ "$NSTRACE_HOME/pom.xml" -nt "$NSTRACE_JAR" ] && return 0
    local f set=() stale=1
    for f in globstar nullglob dotglob; do shopt -q "$f" || set+=("$f"); done
    [ ${#set[@]} = 0 ] || shopt -s "${set[@]}"
    for f in "$NSTRACE_HOME"/src/main/**; do
        if [ "$f" -nt "$NSTRACE_JAR" ]; then stale=0; break; fi
    done
    [ ${#set[@]} = 0 ] || shopt -u "${set[@]}"
    return $stale
}

build_jar() {
    command -v mvn >/dev/null || { echo "nstrace: maven (mvn) is needed to build nstrace: apt-get install maven" >&2; return 3; }
    echo "nstrace: building $NSTRACE_JAR ..." >&2
    (cd "$NSTRACE_HOME" && mvn -q -B -o -DskipTests package </dev/null >/tmp/nstrace-build.$$.log 2>&1 \
        || mvn -q -B -DskipTests package </dev/null >/tmp/nstrace-build.$$.log 2>&1) \
        || { cat /tmp/nstrace-build.$$.log >&2; rm -f /tmp/nstrace-build.$$.log; echo "nstrace: build failed" >&2; return 4; }
    rm -f /tmp/nstrace-build.$$.log
}
