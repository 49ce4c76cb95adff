#!/bin/bash
# The image's HEALTHCHECK (installed as /usr/local/bin/rotor-healthcheck): healthy when Rotor
# answers GET /_rotor/health with "status":"ok". Rotor's port depends on its settings (4599,
# 8080 with --compat local-kms, 5000 with --compat moto, or --port/ROTOR_PORT/PORT), which
# arguments after the image name can set where this script cannot see them; so it asks
# ROTOR_PORT and PORT first, then every TCP port listening in the container
# (/proc/net/tcp and tcp6, state 0A). bash's /dev/tcp keeps curl out of the image; HTTP/1.0
# without a Host header is always served (docs/security.md).
set -u
ports=()
[[ -n "${ROTOR_PORT:-}" ]] && ports+=("$ROTOR_PORT")
[[ -n "${PORT:-}" ]] && ports+=("$PORT")
for table in /proc/net/tcp /proc/net/tcp6; do
  [[ -r "$table" ]] || continue
  while read -r _ local _ state _; do
    [[ "$state" == 0A ]] && ports+=("$((16#${local##*:}))")
  done < <(tail -n +2 "$table")
done
for port in "${ports[@]}"; do
  if timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "GET /_rotor/health HTTP/1.0\r\n\r\n" >&3 &&
                        grep -q "\"status\":\"ok\"" <&3' _ "$port" 2>/dev/null; then
    exit 0
  fi
done
echo "rotor-healthcheck: no answer from /_rotor/health on port(s) ${ports[*]:-none}" >&2
exit 1
