#!/usr/bin/env bash
# `dialsim serve` with nothing but curl and openssl: each API call signed with signature v1
# (HMAC-SHA1 over the sorted parameters, as older Alibaba Cloud clients sign), the control
# endpoints with HTTP Basic.
#
#   dialsim serve --clock manual &           # listening on http://127.0.0.1:8090
#   examples/curl_quickstart.sh http://127.0.0.1:8090
set -euo pipefail
base="${1:-http://127.0.0.1:8090}"
id="${DIALSIM_KEY_ID:-dialsim-dev}"
secret="${DIALSIM_KEY_SECRET:-dialsim-dev-secret}"

# RFC 3986 percent-encoding (ASCII).
enc() {
  local s="$1" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [a-zA-Z0-9.~_-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

# call ACTION KEY=VALUE...: a signed POST, its JSON answer on stdout.
call() {
  local action="$1"
  shift
  local pairs=("Action=$action" "Version=2017-05-25" "Format=JSON" "AccessKeyId=$id"
    "SignatureMethod=HMAC-SHA1" "SignatureVersion=1.0"
    "SignatureNonce=$(date +%s%N)-$RANDOM" "Timestamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$@")
  local encoded=() p
  for p in "${pairs[@]}"; do
    encoded+=("$(enc "${p%%=*}")=$(enc "${p#*=}")")
  done
  local query
  query="$(printf '%s\n' "${encoded[@]}" | LC_ALL=C sort | paste -sd '&')"
  local signature
  signature="$(printf 'POST&%%2F&%s' "$(enc "$query")" \
    | openssl dgst -sha1 -hmac "$secret&" -binary | base64)"
  curl -sS -X POST "$base/?$query&Signature=$(enc "$signature")"
  echo
}

created="$(call CloudCreateTask EnterpriseId=36 Name=curl-quickstart Type=1 CallGroupType=1 \
  Cnos=1010,1011,1012,1013,1014 Quotiety=2 Wrapup=30 MinAvailableAgentCount=1)"
echo "$created"
task_id="$(printf '%s' "$created" | sed -n 's/.*"Id":"\([0-9]*\)".*/\1/p')"
[ -n "$task_id" ] || { echo "CloudCreateTask failed" >&2; exit 1; }
call CloudImportTaskTel TaskId="$task_id" \
  'TaskTelList=[{"Tel":"13912345670"},{"Tel":"13912345671"},{"Tel":"13912345672"}]'
call CloudStartTask TaskId="$task_id"
curl -sS -u "$id:$secret" -X POST "$base/dialsim/advance?by=600"
echo
call CloudMonitorTask TaskId="$task_id"
records="$(call CloudQueryPredictiveCallCdr TaskId="$task_id" Limit=10)"
echo "$records"
grep -q '"UniqueId"' <<< "$records" || { echo "no call records after 10 minutes" >&2; exit 1; }
