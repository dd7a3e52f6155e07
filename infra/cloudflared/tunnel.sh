#!/usr/bin/env bash
# Expose the dashboard and API through a Cloudflare Tunnel (called by `make tunnel`).
#
#   TUNNEL_TOKEN=...                           run a dashboard-managed tunnel (ingress set in Cloudflare)
#   TUNNEL_ID=... TUNNEL_HOSTNAME=... [TUNNEL_CREDENTIALS_FILE=...] [ACCESS_TEAM=... ACCESS_AUD=...]
#                                              run a locally managed tunnel from config.yml.template
#   (neither)                                  a quick tunnel on a random trycloudflare.com address
#
# It refuses to expose an API that answers without a token: start the API with auth on first
# (API_AUTH=required, or set api.public_url), and create tokens with `python -m api tokens create NAME`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
[ -x "$python" ] || python="$(command -v python3)"
cloudflared="${CLOUDFLARED:-$(command -v cloudflared || true)}"

if [ -z "$cloudflared" ]; then
  echo "cloudflared is not installed: install it from Cloudflare's package repository" \
       "(https://pkg.cloudflare.com/, package 'cloudflared') or its releases page, then run 'make tunnel' again." >&2
  exit 1
fi

read -r api_host api_port var_dir < <(cd "$root" && "$python" -c '
from core.config import load_config
c = load_config()
host = "127.0.0.1" if c.api.host in ("0.0.0.0", "::", "") else c.api.host
print(host, c.api.port, c.var_dir)')
origin="http://${api_host}:${api_port}"

# Never publish an API that serves logs to anyone: it must be running and must ask for a token.
status="$(cd "$root" && "$python" - "$origin" <<'PY'
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + "/auth/me", timeout=5)
    print("open")
except urllib.error.HTTPError as exc:
    print("protected" if exc.code == 401 else f"http-{exc.code}")
except OSError:
    print("down")
PY
)"
case "$status" in
  protected) ;;
  open)
    echo "The API at $origin answers without a token, so a tunnel would publish your logs: restart it with" \
         "API_AUTH=required (or set api.public_url), create a token with 'python -m api tokens create NAME'," \
         "and run 'make tunnel' again." >&2
    exit 2 ;;
  down)
    echo "Nothing answers at $origin: start the API first ('make run'), then run 'make tunnel' again." >&2
    exit 2 ;;
  *)
    echo "The API at $origin answered /auth/me with ${status#http-}: check that it is logwatch's API." >&2
    exit 2 ;;
esac

if [ -n "${TUNNEL_TOKEN:-}" ]; then
  echo "Starting the Cloudflare-managed tunnel (ingress as configured in the Cloudflare dashboard: point it at $origin)." >&2
  exec "$cloudflared" tunnel --no-autoupdate run
fi

if [ -n "${TUNNEL_ID:-}" ]; then
  : "${TUNNEL_HOSTNAME:?set TUNNEL_HOSTNAME to the public hostname routed to this tunnel, e.g. logs.example.com}"
  credentials="${TUNNEL_CREDENTIALS_FILE:-$HOME/.cloudflared/$TUNNEL_ID.json}"
  out_dir="$var_dir/cloudflared"
  mkdir -p "$out_dir"
  TUNNEL_CREDENTIALS_FILE="$credentials" API_ORIGIN="$origin" "$python" - "$here/config.yml.template" \
    "$out_dir/config.yml" <<'PY'
import os, string, sys
access = ""
if os.environ.get("ACCESS_TEAM") and os.environ.get("ACCESS_AUD"):
    access = ("      access:\n        required: true\n"
              f"        teamName: {os.environ['ACCESS_TEAM']}\n        audTag:\n          - {os.environ['ACCESS_AUD']}")
text = string.Template(open(sys.argv[1], encoding="utf-8").read()).substitute(
    {**os.environ, "ACCESS_BLOCK": access})
open(sys.argv[2], "w", encoding="utf-8").write(text)
PY
  echo "Serving https://$TUNNEL_HOSTNAME through tunnel $TUNNEL_ID (config: $out_dir/config.yml)." >&2
  exec "$cloudflared" tunnel --config "$out_dir/config.yml" run "$TUNNEL_ID"
fi

echo "No TUNNEL_TOKEN or TUNNEL_ID set: starting a quick tunnel; cloudflared prints its trycloudflare.com address." >&2
exec "$cloudflared" tunnel --no-autoupdate --url "$origin"
