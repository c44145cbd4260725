#!/usr/bin/env bash
# Starts a real single-node Apache Kafka broker (KRaft: one process is broker and controller) on loopback,
# for development, `make up` and the integration tests. Provisions the jars from Maven Central on first use
# (provision.sh), writes server.properties and a log4j2 config into the data dir, formats the storage once,
# launches the JVM in the background, waits until the broker answers metadata requests and prints its
# bootstrap address (127.0.0.1:<port>) on stdout. Starting a broker that is already running is a no-op.
#
# Secure mode (--secure or KAFKA_SECURE=1) keeps the PLAINTEXT listener and adds, on further loopback ports:
#   SASL_SSL (TLS, then SASL SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN as user `twinstate`) and
#   SSL with required client certificates (mTLS).
# The throwaway CA, broker and client certificates, keystores and passwords live in <data>/secure
# (secure-material.sh); SCRAM credentials are written into the metadata log when the storage is formatted
# (StorageTool --add-scram), or with the admin API when a data dir formatted without --secure is started
# with it. Before the bootstrap address, stdout then carries KEY=VALUE lines: KAFKA_SASL_SSL_BROKERS,
# KAFKA_SSL_BROKERS, KAFKA_TLS_CA_FILE, KAFKA_TLS_CERT_FILE, KAFKA_TLS_KEY_FILE, KAFKA_SASL_USERNAME,
# KAFKA_SASL_PASSWORD_FILE; <data>/secure/sasl-ssl.env and mtls.env hold service env vars ready to source.
# The controller listener stays PLAINTEXT on loopback; brokers talk to each other over PLAINTEXT.
#
# Usage: scripts/kafka/start.sh [--port N] [--data-dir DIR] [--secure]
# Env:   KAFKA_PORT (default 9092; the controller listens on KAFKA_PORT+1)
#        KAFKA_DATA_DIR (default <root>/.kafka/data-<port>)
#        KAFKA_HEAP_OPTS (default "-Xms256m -Xmx1g"), KAFKA_READY_TIMEOUT seconds (default 120)
#        JAVA_HOME (optional: a Java 17+ to use instead of the one on PATH)
#        KAFKA_SECURE (1/true: secure mode), KAFKA_SASL_SSL_PORT (default KAFKA_PORT+2),
#        KAFKA_SSL_PORT (default KAFKA_PORT+3), KAFKA_SECURE_USER (default twinstate),
#        KAFKA_SECURE_PASSWORD (the user's password on first secure start; default random, kept in the data dir)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
port="${KAFKA_PORT:-9092}"
data="${KAFKA_DATA_DIR:-}"
case "${KAFKA_SECURE:-}" in 1 | true | yes | on) secure=1 ;; '' | 0 | false | no | off) secure=0 ;;
  *) echo "start: KAFKA_SECURE must be 1/true or 0/false, got '$KAFKA_SECURE'" >&2; exit 2 ;;
esac
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data-dir) data="$2"; shift 2 ;;
    --secure) secure=1; shift ;;
    *) echo "start: unknown argument $1 (usage: start.sh [--port N] [--data-dir DIR] [--secure])" >&2; exit 2 ;;
  esac
done
case "$port" in '' | *[!0-9]*) echo "start: KAFKA_PORT must be a number, got '$port'" >&2; exit 2 ;; esac
ctrl=$((port + 1))
sasl_ssl_port="${KAFKA_SASL_SSL_PORT:-$((port + 2))}"
ssl_port="${KAFKA_SSL_PORT:-$((port + 3))}"
for p in "$sasl_ssl_port" "$ssl_port"; do
  case "$p" in '' | *[!0-9]*) echo "start: KAFKA_SASL_SSL_PORT/KAFKA_SSL_PORT must be numbers, got '$p'" >&2; exit 2 ;; esac
done
user="${KAFKA_SECURE_USER:-twinstate}"
case "$user" in '' | *[!A-Za-z0-9._-]*) echo "start: KAFKA_SECURE_USER may only hold letters, digits, '.', '_' and '-'" >&2; exit 2 ;; esac
data="${data:-$root/.kafka/data-$port}"
mkdir -p "$data"
data="$(cd "$data" && pwd)"
pidfile="$data/kafka.pid"
log="$data/server.log"
secure_dir="$data/secure"
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

# The secure listeners of this run, as server.properties spells them.
secure_listeners="SASL_SSL://127.0.0.1:$sasl_ssl_port,SSL://127.0.0.1:$ssl_port"

# ensure_scram_user: gives the SASL user SCRAM-SHA-256/512 credentials through the admin API (kafka-configs)
# when the metadata log has none for it yet (a data dir formatted before it was first started with --secure).
# One mechanism per call: the broker refuses two credential changes for one user in one request.
ensure_scram_user() {
  [ "$(cat "$secure_dir/scram-user" 2>/dev/null)" = "$user" ] && return 0
  local pw mechanism
  pw="$(cat "$secure_dir/password")"
  : "${libs:=$("$root/scripts/kafka/provision.sh")}"
  : "${java:=${JAVA_HOME:+$JAVA_HOME/bin/}java}"
  : >"$data/scram.log"
  for mechanism in SCRAM-SHA-256 SCRAM-SHA-512; do
    "$java" -cp "$libs/*" kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$port" --alter \
      --entity-type users --entity-name "$user" --add-config "$mechanism=[password=$pw]" >>"$data/scram.log" 2>&1 \
      || { cat "$data/scram.log" >&2; fail "adding the $mechanism credentials of user $user failed"; }
  done
  echo "$user" >"$secure_dir/scram-user"
}

# announce_secure: checks the secure listeners accept connections, writes the env files services can source
# and prints the KEY=VALUE lines (see the header).
announce_secure() {
  for p in "$sasl_ssl_port" "$ssl_port"; do
    port_in_use "$p" || fail "secure listener 127.0.0.1:$p is not accepting connections"
  done
  local pw
  pw="$(cat "$secure_dir/password")"
  (
    umask 077
    cat >"$secure_dir/sasl-ssl.env" <<ENV
KAFKA_BROKERS=127.0.0.1:$sasl_ssl_port
KAFKA_TLS=true
KAFKA_TLS_CA_FILE=$secure_dir/ca.crt
KAFKA_SASL_MECHANISM=scram-sha-512
KAFKA_SASL_USERNAME=$user
KAFKA_SASL_PASSWORD=$pw
ENV
    cat >"$secure_dir/mtls.env" <<ENV
KAFKA_BROKERS=127.0.0.1:$ssl_port
KAFKA_TLS=true
KAFKA_TLS_CA_FILE=$secure_dir/ca.crt
KAFKA_TLS_CERT_FILE=$secure_dir/client.crt
KAFKA_TLS_KEY_FILE=$secure_dir/client.key
ENV
  )
  echo "KAFKA_SASL_SSL_BROKERS=127.0.0.1:$sasl_ssl_port"
  echo "KAFKA_SSL_BROKERS=127.0.0.1:$ssl_port"
  echo "KAFKA_TLS_CA_FILE=$secure_dir/ca.crt"
  echo "KAFKA_TLS_CERT_FILE=$secure_dir/client.crt"
  echo "KAFKA_TLS_KEY_FILE=$secure_dir/client.key"
  echo "KAFKA_SASL_USERNAME=$user"
  echo "KAFKA_SASL_PASSWORD_FILE=$secure_dir/password"
}

if [ -f "$pidfile" ]; then
  pid="$(cat "$pidfile")"
  if is_ours "$pid"; then
    if [ "$secure" = 1 ]; then
      grep -qx "listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctrl,$secure_listeners" "$data/server.properties" \
        || fail "the broker of $data is running without these secure listeners ($secure_listeners): stop it first (scripts/kafka/stop.sh)"
    fi
    wait_ready "$pid"
    if [ "$secure" = 1 ]; then
      ensure_scram_user
      announce_secure
    fi
    echo "127.0.0.1:$port"
    exit 0
  fi
  rm -f "$pidfile"
fi

ports=("$port" "$ctrl")
[ "$secure" = 1 ] && ports+=("$sasl_ssl_port" "$ssl_port")
for p in "${ports[@]}"; do
  port_in_use "$p" && fail "port $p on 127.0.0.1 is already in use by another process (set KAFKA_PORT to choose another)"
done
[ "$(printf '%s\n' "${ports[@]}" | sort -u | wc -l)" = "${#ports[@]}" ] || fail "the listener ports ${ports[*]} must all differ"

libs="$("$root/scripts/kafka/provision.sh")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
java_major="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[ "${java_major:-0}" -ge 17 ] 2>/dev/null || fail "Kafka 4 needs Java 17 or newer; '$java' is ${java_major:-missing}"

listeners="PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctrl"
advertised="PLAINTEXT://127.0.0.1:$port"
protocols="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
if [ "$secure" = 1 ]; then
  "$root/scripts/kafka/secure-material.sh" "$secure_dir" || fail "creating the TLS material in $secure_dir failed"
  if [ -n "${KAFKA_SECURE_PASSWORD:-}" ] && [ "$KAFKA_SECURE_PASSWORD" != "$(cat "$secure_dir/password")" ]; then
    fail "KAFKA_SECURE_PASSWORD differs from the password this data dir was set up with ($secure_dir/password)"
  fi
  listeners="$listeners,$secure_listeners"
  advertised="$advertised,$secure_listeners"
  protocols="$protocols,SASL_SSL:SASL_SSL,SSL:SSL"
fi

cat >"$data/server.properties" <<PROPS
# Written by scripts/kafka/start.sh on every start; edit the script, not this file.
# Single-node KRaft: this one process is both the broker and the (static, one-voter) controller quorum.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$ctrl
controller.listener.names=CONTROLLER
listeners=$listeners
advertised.listeners=$advertised
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=$protocols
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

if [ "$secure" = 1 ]; then
  store_pw="$(cat "$secure_dir/store-password")"
  pw="$(cat "$secure_dir/password")"
  chmod 600 "$data/server.properties"
  cat >>"$data/server.properties" <<PROPS

# Secure mode (start.sh --secure): throwaway TLS material from secure-material.sh in $secure_dir.
ssl.keystore.type=PKCS12
ssl.keystore.location=$secure_dir/broker.p12
ssl.keystore.password=$store_pw
ssl.key.password=$store_pw
ssl.truststore.type=PKCS12
ssl.truststore.location=$secure_dir/truststore.p12
ssl.truststore.password=$store_pw
# SSL listener: mutual TLS, the client's certificate is required and its subject becomes the principal.
listener.name.ssl.ssl.client.auth=required
# SASL_SSL listener: TLS without client certificates, then SASL. SCRAM users live in the metadata log;
# the PLAIN user is declared here.
listener.name.sasl_ssl.ssl.client.auth=none
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$user="$pw";
PROPS
fi

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
  scram=()
  if [ "$secure" = 1 ]; then
    pw="$(cat "$secure_dir/password")"
    scram=(--add-scram "SCRAM-SHA-256=[name=$user,password=$pw]" --add-scram "SCRAM-SHA-512=[name=$user,password=$pw]")
  fi
  "$java" -cp "$libs/*" kafka.tools.StorageTool format \
    -t "$(cat "$data/cluster.id")" -c "$data/server.properties" --ignore-formatted "${scram[@]}" >"$data/format.log" 2>&1 \
    || { cat "$data/format.log" >&2; fail "formatting the storage in $data/logs failed"; }
  if [ "$secure" = 1 ]; then echo "$user" >"$secure_dir/scram-user"; else rm -f "$secure_dir/scram-user"; fi
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
if [ "$secure" = 1 ]; then
  ensure_scram_user
  announce_secure
fi
echo "127.0.0.1:$port"
