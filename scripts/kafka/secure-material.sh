#!/usr/bin/env bash
# Creates the throwaway TLS material and credentials of the local broker's secure mode (start.sh --secure) in
# one directory: a private CA, a broker certificate for 127.0.0.1/localhost signed by it, a client certificate
# (mTLS), the broker's PKCS12 keystore and truststore (keytool), the keystore password and the SASL user's
# password. For a development broker only: the CA key lies next to the certificates and nothing is rotated.
#
# Idempotent: existing material is kept while the broker certificate is valid for another day; otherwise
# everything but the passwords is made again. Files are readable by the owner only.
#
# Usage: scripts/kafka/secure-material.sh DIR
# Env:   KAFKA_SECURE_PASSWORD (optional: the SASL user's password when DIR has none yet; default random)
set -euo pipefail
dir="${1:?usage: secure-material.sh DIR}"
mkdir -p "$dir"
chmod 700 "$dir"
cd "$dir"
umask 077

for tool in openssl keytool; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "secure-material: $tool is required (openssl; keytool comes with Java 17+)" >&2
    exit 1
  }
done

# Passwords are hex so they need no quoting in server.properties, JAAS or StorageTool's --add-scram syntax.
random_hex() { openssl rand -hex 16; }
[ -s store-password ] || random_hex >store-password
if [ ! -s password ]; then
  pw="${KAFKA_SECURE_PASSWORD:-$(random_hex)}"
  case "$pw" in *[!A-Za-z0-9._-]*)
    echo "secure-material: KAFKA_SECURE_PASSWORD may only hold letters, digits, '.', '_' and '-'" >&2
    exit 2
    ;;
  esac
  printf '%s\n' "$pw" >password
fi

if [ -s broker.p12 ] && [ -s truststore.p12 ] && [ -s client.crt ] \
  && openssl x509 -checkend 86400 -noout -in broker.crt >/dev/null 2>&1; then
  exit 0
fi

store_pw="$(cat store-password)"
rm -f ca.* broker.* client.* truststore.p12
days=365
# EC P-256 keys: generated in milliseconds (RSA 2048 takes about a second each on a small VM).
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)

openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days "$days" -subj "/CN=twinstate local dev CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# sign NAME SUBJECT EXTENSIONS: a key and a certificate signed by the CA.
sign() {
  openssl req -new "${ec[@]}" -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
  printf '%s\n' "$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" -sha256 \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
sign broker "/CN=localhost" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost"
sign client "/CN=twinstate-client" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"

# The broker's keystore (its key and chain) and truststore (the CA, to verify client certificates).
openssl pkcs12 -export -name broker -inkey broker.key -in broker.crt -certfile ca.crt -out broker.p12 \
  -passout "pass:$store_pw"
keytool -importcert -noprompt -alias twinstate-dev-ca -file ca.crt -keystore truststore.p12 -storetype PKCS12 \
  -storepass "$store_pw" >/dev/null 2>&1
keytool -list -keystore broker.p12 -storetype PKCS12 -storepass "$store_pw" >/dev/null 2>&1 || {
  echo "secure-material: Java cannot read the broker keystore $dir/broker.p12" >&2
  exit 1
}
