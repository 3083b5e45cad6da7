#!/bin/sh
# Creates the namespace the IPS job service uses (if missing) and registers the
# custom search attributes its job workflows set (all Keyword). Idempotent: an
# existing namespace is kept as it is (retention included) and already
# registered attributes are skipped by the server. Runs in temporalio/admin-tools.
#
# Env: TEMPORAL_ADDRESS (host:port), DEFAULT_NAMESPACE, NAMESPACE_RETENTION,
#      SEARCH_ATTRIBUTES (space-separated names).
set -eu

NAMESPACE="${DEFAULT_NAMESPACE:-default}"
RETENTION="${NAMESPACE_RETENTION:-72h}"
SEARCH_ATTRIBUTES="${SEARCH_ATTRIBUTES:-CompanyHandle JobType JobName SubmitUser}"
TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
TEMPORAL_HOST="${TEMPORAL_ADDRESS%:*}"
TEMPORAL_PORT="${TEMPORAL_ADDRESS##*:}"

echo "Waiting for Temporal server port ${TEMPORAL_ADDRESS}..."
attempt=0
until nc -z -w 10 "$TEMPORAL_HOST" "$TEMPORAL_PORT"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "Temporal server is not reachable at ${TEMPORAL_ADDRESS}" >&2
    exit 1
  fi
  sleep 2
done

# As upstream: talk to the server by IPv4 address.
TEMPORAL_IP="$(getent ahosts "$TEMPORAL_HOST" | grep STREAM | head -1 | awk '{print $1}')"
ADDRESS="${TEMPORAL_IP:-$TEMPORAL_HOST}:${TEMPORAL_PORT}"
echo "Resolved ${TEMPORAL_ADDRESS} to ${ADDRESS}"

echo 'Waiting for Temporal server to be healthy...'
attempt=0
until temporal operator cluster health --address "$ADDRESS"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "Temporal server did not become healthy after ${attempt} attempts" >&2
    exit 1
  fi
  sleep 5
done

changed=0
if temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  echo "Namespace '${NAMESPACE}' already exists"
else
  echo "Creating namespace '${NAMESPACE}' (retention ${RETENTION})..."
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" --address "$ADDRESS"
  changed=1
fi

registered() {
  temporal operator search-attribute list --namespace "$NAMESPACE" --address "$ADDRESS" | grep -qw "$1"
}

for name in $SEARCH_ATTRIBUTES; do
  if registered "$name"; then
    echo "Search attribute '${name}' already registered"
    continue
  fi
  echo "Registering search attribute '${name}' (Keyword)..."
  attempt=0
  until temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type Keyword --address "$ADDRESS"; do
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 10 ]; then
      echo "Could not register search attribute '${name}'" >&2
      exit 1
    fi
    sleep 3
  done
  changed=1
done

for name in $SEARCH_ATTRIBUTES; do
  attempt=0
  until registered "$name"; do
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 10 ]; then
      echo "Search attribute '${name}' is missing after registration" >&2
      exit 1
    fi
    sleep 3
  done
done

if [ "$changed" -eq 1 ]; then
  # Frontend and history serve namespaces from a cache refreshed every ~10s;
  # wait it out so the API and worker never see a namespace or search
  # attribute that is not there yet.
  echo 'Waiting for the namespace cache to refresh...'
  sleep 15
fi
echo "Namespace '${NAMESPACE}' ready with search attributes: ${SEARCH_ATTRIBUTES}"
