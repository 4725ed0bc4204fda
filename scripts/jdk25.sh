# Sourced by the project's scripts: makes sure JAVA_HOME points at a JDK 25 (or newer).
# Order: $JAVA_HOME, the `java` on PATH, then any JDK 25+ under /usr/lib/jvm.
# Prints one clear line and returns 1 when none is found.
_bp4j_java_major() {  # $1 = path of a java binary; prints its feature version
  # the JDK's release file says it without starting a JVM (a start costs 0.1-0.5 s on every command)
  local rel v
  rel="$(dirname "$(dirname "$1")")/release"
  if [ -f "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel" | head -n1)
    if [ -n "$v" ]; then echo "$v"; return 0; fi
  fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1
}
_bp4j_ok() { local v; v=$(_bp4j_java_major "$1/bin/java" 2>/dev/null); [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; }
bp4j_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && _bp4j_ok "$JAVA_HOME"; then return 0; fi
  local j
  if j=$(command -v javac 2>/dev/null); then
    j=$(dirname "$(dirname "$(readlink -f "$j")")")
    if _bp4j_ok "$j"; then export JAVA_HOME="$j"; return 0; fi
  fi
  for j in /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* /usr/lib/jvm/*; do
    if [ -x "$j/bin/javac" ] && _bp4j_ok "$j"; then export JAVA_HOME="$j"; return 0; fi
  done
  echo "backprop4j: needs a JDK 25 or newer; none found (set JAVA_HOME, or install one, e.g. Temurin 25, under /usr/lib/jvm)" >&2
  return 1
}
bp4j_find_jdk && export PATH="$JAVA_HOME/bin:$PATH"
