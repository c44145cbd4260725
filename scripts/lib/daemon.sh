# Sourced by the start scripts of background servers (Prometheus, Alertmanager): finding our own process by a
# pattern of its command line (its data dir or config path), whatever its pid.

# daemon_is PID PATTERN: true when process PID runs with PATTERN in its command line.
daemon_is() {
  [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q -- "$2"
}

# daemon_find PATTERN: prints the pid of a process with PATTERN in its command line. Why not trust `$!`: setsid
# forks when it happens to lead its process group, so `$!` can be a parent that has already exited while the
# server runs on (seen once as a false "process exited").
daemon_find() {
  local dir
  for dir in /proc/[0-9]*; do
    if daemon_is "${dir#/proc/}" "$1"; then
      echo "${dir#/proc/}"
      return 0
    fi
  done
  return 1
}
