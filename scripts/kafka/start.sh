#!/usr/bin/env bash
# Starts a real single-node Apache Kafka broker (KRaft: one process is broker and controller) on loopback,
# for development, `make up` and the integration tests. Provisions the jars from Maven Central on first use
# (provision.sh), writes server.properties and a log4j2 config into the data dir, formats the storage once,
# launches the JVM in the background, waits until the broker answers metadata requests and prints its
# bootstrap address (127.0.0.1:<port>) on stdout. Starting a broker that is already running is a no-op.
#
# Usage: scripts/kafka/start.sh [--port N] [--data-dir DIR]
# Env:   KAFKA_PORT (default 9092; the controller listens on KAFKA_PORT+1)
#        KAFKA_DATA_DIR (default <root>/.kafka/data-<port>)
#        KAFKA_HEAP_OPTS (default "-Xms256m -Xmx1g"), KAFKA_READY_TIMEOUT seconds (default 120)
#        JAVA_HOME (optional: a Java 17+ to use instead of the one on PATH)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
port="${KAFKA_PORT:-9092}"
data="${KAFKA_DATA_DIR:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data-dir) data="$2"; shift 2 ;;
    *) echo "start: unknown argument $1 (usage: start.sh [--port N] [--data-dir DIR])" >&2; exit 2 ;;
  esac
done
case "$port" in '' | *[!0-9]*) echo "start: KAFKA_PORT must be a number, got '$port'" >&2; exit 2 ;; esac
ctrl=$((port + 1))
data="${data:-$root/.kafka/data-$port}"
mkdir -p "$data"
data="$(cd "$data" && pwd)"
pidfile="$data/kafka.pid"
log="$data/server.log"
timeout="${KAFKA_READY_TIMEOUT:-120}"
node_dir="$("$root/scripts/ensure-node.sh")"
node="$node_dir/node"

# is_ours PID: the process is alive and is the broker of this data dir.
is_ours() {
  [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q "kafka.Kafka $data/server.properties"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

fail() {
  echo "start: $1" >&2
  if [ -f "$log" ]; then
    echo "start: last lines of $log:" >&2
    tail -n 40 "$log" >&2
  fi
  if [ -s "$data/stdout.log" ]; then
    echo "start: JVM stdout/stderr ($data/stdout.log):" >&2
    tail -n 20 "$data/stdout.log" >&2
  fi
  exit 1
}

wait_ready() {
  "$node" --disable-warning=TimeoutNegativeWarning "$root/scripts/kafka/wait-ready.ts" --broker "127.0.0.1:$port" --pid "$1" --timeout "$timeout" \
    || fail "broker on 127.0.0.1:$port did not become ready within ${timeout}s"
}

if [ -f "$pidfile" ]; then
  pid="$(cat "$pidfile")"
  if is_ours "$pid"; then
    wait_ready "$pid"
    echo "127.0.0.1:$port"
    exit 0
  fi
  rm -f "$pidfile"
fi

for p in "$port" "$ctrl"; do
  port_in_use "$p" && fail "port $p on 127.0.0.1 is already in use by another process (set KAFKA_PORT to choose another)"
done

libs="$("$root/scripts/kafka/provision.sh")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
java_major="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[ "${java_major:-0}" -ge 17 ] 2>/dev/null || fail "Kafka 4 needs Java 17 or newer; '$java' is ${java_major:-missing}"

cat >"$data/server.properties" <<PROPS
# Written by scripts/kafka/start.sh on every start; edit the script, not this file.
# Single-node KRaft: this one process is both the broker and the (static, one-voter) controller quorum.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$ctrl
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctrl
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data/logs

# One node: every replication factor and min ISR is 1, or internal topics can never be created.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Small internal topics so the group and transaction coordinators load fast.
offsets.topic.num.partitions=3
transaction.state.log.num.partitions=3
share.coordinator.state.topic.num.partitions=1
group.initial.rebalance.delay.ms=0

# Topics are declared by the project (scripts/create-topics.ts), never created by a typo.
auto.create.topics.enable=false
num.partitions=1

# Modest memory: the cleaner's dedupe buffer defaults to 128 MiB of heap.
log.cleaner.dedupe.buffer.size=33554432
num.network.threads=2
num.io.threads=4
PROPS

cat >"$data/log4j2.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/kafka/start.sh: broker logs go to server.log in the data dir. -->
<Configuration status="warn">
  <Appenders>
    <RollingFile name="file" fileName="$log" filePattern="$data/server.log.%i">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <SizeBasedTriggeringPolicy size="50MB"/>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="info"><AppenderRef ref="file"/></Root>
    <Logger name="kafka.request.logger" level="warn"/>
    <Logger name="state.change.logger" level="warn"/>
    <Logger name="org.apache.kafka.controller" level="info"/>
  </Loggers>
</Configuration>
XML

if [ ! -f "$data/logs/meta.properties" ]; then
  if [ ! -s "$data/cluster.id" ]; then
    # A Kafka Uuid is 16 random bytes in URL-safe base64 without padding; avoid a leading '-' (CLI parsing).
    id="-"
    while [ "${id:0:1}" = "-" ]; do id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22)"; done
    echo "$id" >"$data/cluster.id"
  fi
  "$java" -cp "$libs/*" kafka.tools.StorageTool format \
    -t "$(cat "$data/cluster.id")" -c "$data/server.properties" --ignore-formatted >"$data/format.log" 2>&1 \
    || { cat "$data/format.log" >&2; fail "formatting the storage in $data/logs failed"; }
fi

heap="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
# setsid: the broker outlives the shell (and the jest process) that started it; stop.sh ends it.
# shellcheck disable=SC2086
setsid "$java" $heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
  -Dlog4j2.configurationFile="$data/log4j2.xml" -cp "$libs/*" \
  kafka.Kafka "$data/server.properties" </dev/null >"$data/stdout.log" 2>&1 &
pid=$!
echo "$pid" >"$pidfile"
wait_ready "$pid"
echo "127.0.0.1:$port"
