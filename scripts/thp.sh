# Sourced by the launcher and scripts/bench: sets thp_flags to -XX:+UseTransparentHugePages when the
# kernel gives transparent huge pages on request ("madvise" mode), else to nothing. The first touch of
# every fresh 4 KB page is what a cold run's data cost most on a VM (docs/KERNELS.md, "Start-up");
# in "always" mode the kernel does it unasked, in "never" mode the flag would only print a warning.
# BACKPROP4J_THP=0 leaves it out.
thp_flags=()
if [ "${BACKPROP4J_THP:-1}" != 0 ] && [ -r /sys/kernel/mm/transparent_hugepage/enabled ]; then
  thp_mode=
  read -r thp_mode < /sys/kernel/mm/transparent_hugepage/enabled || true
  case "$thp_mode" in *"[madvise]"*) thp_flags=(-XX:+UseTransparentHugePages) ;; esac
fi
