# Sourced by the project's scripts: makes sure JAVA_HOME points at a JDK 25 (or newer).
# Order: $JAVA_HOME, the `java` on PATH, then any JDK 25+ under /usr/lib/jvm.
# Prints one clear line and returns 1 when none is found.
# Bash builtins wherever they do: every process started here (dirname, sed, a command substitution,
# a JVM) delays each command (docs/bench-log/2026-12-07-cold-start.md).
_bp4j_ok() {  # $1 = a JDK's home; true for a feature version of 25 or newer
  local line v=""
  # the JDK's release file says it without starting a JVM
  if [ -f "$1/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in JAVA_VERSION=\"[0-9]*) v=${line#JAVA_VERSION=\"}; v=${v%%[!0-9]*}; break;; esac
    done < "$1/release"
  fi
  [ -n "$v" ] || v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null
}
bp4j_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && _bp4j_ok "$JAVA_HOME"; then return 0; fi
  local j
  if hash javac 2>/dev/null; then   # the javac on PATH, looked up without a subshell
    j=${BASH_CMDS[javac]}
    [ -L "$j" ] && j=$(readlink -f "$j")
    j=${j%/*}; j=${j%/*}
    if _bp4j_ok "$j"; then export JAVA_HOME="$j"; return 0; fi
  fi
  for j in /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* /usr/lib/jvm/*; do
    if [ -x "$j/bin/javac" ] && _bp4j_ok "$j"; then export JAVA_HOME="$j"; return 0; fi
  done
  echo "backprop4j: needs a JDK 25 or newer; none found (set JAVA_HOME, or install one, e.g. Temurin 25, under /usr/lib/jvm)" >&2
  return 1
}
bp4j_find_jdk && export PATH="$JAVA_HOME/bin:$PATH"
