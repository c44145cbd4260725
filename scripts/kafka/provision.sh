#!/usr/bin/env bash
# Puts the Apache Kafka broker runtime (the version pinned in scripts/kafka/pom.xml) into .kafka/libs,
# fetched from Maven Central with Maven, so the project can run a real single-node KRaft broker without
# Docker. Idempotent: a stamp file records the version and the pom's hash; a matching stamp skips the work.
# Concurrent callers serialize on a lock file. Prints the libs directory on stdout.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
pom="$root/scripts/kafka/pom.xml"
kafka_dir="$root/.kafka"
libs="$kafka_dir/libs"
stamp="$libs/.provisioned"

version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom" | head -n1)"
want="kafka=$version pom=$(sha256sum "$pom" | cut -c1-16)"

mkdir -p "$kafka_dir"
exec 9>"$kafka_dir/provision.lock"
flock 9

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "$libs"
  exit 0
fi

command -v mvn >/dev/null 2>&1 || { echo "provision: mvn (Apache Maven) is required: apt-get install maven" >&2; exit 1; }
command -v java >/dev/null 2>&1 || { echo "provision: java 17+ is required: apt-get install openjdk-17-jre-headless" >&2; exit 1; }

echo "provision: fetching Apache Kafka $version from Maven Central into .kafka/libs" >&2
start=$(date +%s)
tmp="$kafka_dir/libs.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" >&2
ls "$tmp"/kafka_2.13-"$version".jar >/dev/null
echo "$want" >"$tmp/.provisioned"
rm -rf "$libs"
mv "$tmp" "$libs"
trap - EXIT
echo "provision: Kafka $version ready in $(($(date +%s) - start))s ($(ls "$libs" | wc -l) jars)" >&2
echo "$libs"
