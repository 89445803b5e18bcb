#!/usr/bin/env bash
# The adoption tier: Meshdeck as an adopter gets it. `./run test` runs it when
# MESHDECK_ADOPTION=1 (CI sets it).
#
#  1. builds and packs the repo's publishable packages (plugins/*, `yarn pack`)
#     and checks the tarballs (check-packs.mjs);
#  2. per app flavor — `default` (create-app's new-frontend-system app) and
#     `legacy` (`--legacy`) — creates a fresh app with @backstage/create-app of
#     backstage.json's release line in a temporary folder, adds the tarballs
#     the README's way (edit-app.mjs), installs, type-checks (`yarn tsc`),
#     builds (`yarn build:backend`, which builds the frontend too), unpacks
#     the backend bundle as create-app's Dockerfile does and starts it on
#     loopback (it serves the built frontend), then checks in Chromium the
#     mesh card and tab of a component, a template's Meshdeck form fields
#     and the Service mesh page (adoption.e2e.mjs; screenshots in
#     e2e-artifacts/adoption/).
#
# Needs the test cluster in MESHDECK_TEST_KUBECONFIG (or KUBECONFIG), which it
# seeds with `yarn demo:seed`, and Chromium (CHROMIUM_PATH, /usr/bin/chromium).
#
# Environment:
#   MESHDECK_ADOPTION_FLAVORS   which apps (default: "default legacy")
#   MESHDECK_ADOPTION_CACHE     cache folder (default:
#                               ${XDG_CACHE_HOME:-~/.cache}/meshdeck/adoption):
#                               Yarn's package cache (yarn/), each flavor's
#                               last node_modules with its yarn.lock and
#                               Yarn install state (modules/), and the run's
#                               temporary folder (run/: packs, apps, logs;
#                               emptied at the start and the end of a run).
#                               An empty or missing cache only makes the run
#                               slower; one run at a time uses it (flock).
#   MESHDECK_ADOPTION_KEEP=1    keep run/ after the run (kept after a failure
#                               unless MESHDECK_ADOPTION_KEEP=0)
#   MESHDECK_ADOPTION_PORT      first loopback port of the apps (default 7200)
#   MESHDECK_CREATE_APP_VERSION create-app version (default: from the table
#                               below for backstage.json's release)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

log() { printf '\033[1m[adoption]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[adoption] %s\033[0m\n' "$*" >&2; exit 1; }

# Node 22+ and Yarn as ./run provides them; run standalone, go through ./run.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 22 ] || ! command -v yarn >/dev/null; then
  [ -z "${MESHDECK_ADOPTION_REEXEC:-}" ] || die "no Node 22+ and Yarn even through ./run"
  export MESHDECK_ADOPTION_REEXEC=1
  exec "$ROOT/run" yarn exec bash "$HERE/adoption-test.sh" "$@"
fi

RELEASE=$(node -p "require('$ROOT/backstage.json').version")
# @backstage/create-app version of each Backstage release line (its
# dist/lib/versions.cjs.js `root`); checked against backstage.json below
case "$RELEASE" in
  1.55.*) DEFAULT_CREATE_APP=0.9.2 ;;
  *) DEFAULT_CREATE_APP= ;;
esac
CREATE_APP_VERSION=${MESHDECK_CREATE_APP_VERSION:-$DEFAULT_CREATE_APP}
[ -n "$CREATE_APP_VERSION" ] ||
  die "no @backstage/create-app version known for Backstage $RELEASE: add it to $0 or set MESHDECK_CREATE_APP_VERSION"

FLAVORS=${MESHDECK_ADOPTION_FLAVORS:-default legacy}
CACHE=${MESHDECK_ADOPTION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meshdeck/adoption}
FIRST_PORT=${MESHDECK_ADOPTION_PORT:-7200}
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
TEST_KUBECONFIG=${MESHDECK_TEST_KUBECONFIG:-${KUBECONFIG:-}}
ARTIFACTS="$ROOT/e2e-artifacts/adoption"

if [ -z "$TEST_KUBECONFIG" ] || [ ! -f "$TEST_KUBECONFIG" ]; then
  die "the adoption tier needs the test cluster: set MESHDECK_TEST_KUBECONFIG (testbed up)"
fi
[ -x "$CHROMIUM" ] || die "the adoption tier needs Chromium at $CHROMIUM (apt-get install chromium)"
command -v npm >/dev/null || die "the adoption tier needs npm (it runs @backstage/create-app)"

# the package registry of the machine's npm, for the apps' Yarn too
if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ]; then
  registry=$(npm config get registry 2>/dev/null || true)
  [ -z "$registry" ] || export YARN_NPM_REGISTRY_SERVER="${registry%/}"
fi
export YARN_ENABLE_TELEMETRY=0
# native modules (better-sqlite3) build against the running Node's headers
# instead of downloading them or a prebuilt binary
NODE_PREFIX=$(dirname "$(dirname "$(node -p 'process.execPath')")")
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$NODE_PREFIX/include/node/node.h" ]; then
  export npm_config_nodedir="$NODE_PREFIX"
fi

# The run's temporary folder has a fixed place: Yarn keeps a native module's
# build only while the module's absolute path stays the same (its build hash
# includes it), so apps made at a new path each run would compile
# better-sqlite3 and friends again every time.
mkdir -p "$CACHE"
exec 9>"$CACHE/lock"
if ! flock -n 9; then
  log "another adoption run holds $CACHE/lock; waiting for it"
  flock -w 3600 9 || die "$CACHE is still in use by another adoption run"
fi
WORK="$CACHE/run"
# Moves a folder out of the way at once and deletes it in the background
# (node_modules take minutes to delete), without holding the lock.
discard() {
  [ -e "$1" ] || return 0
  local gone
  gone="$1.old.$$.$RANDOM"
  mv "$1" "$gone" && (exec 9>&- && rm -rf "$gone" &) >/dev/null 2>&1
}
# what a previous run left (kept, or killed)
discard "$WORK"
mkdir -p "$WORK"
PACKS="$WORK/packs"
BACKEND_PID=
CURRENT_APP=

# Phase timings, printed as they end and again at the end.
TIMINGS=()
PHASE=
PHASE_START=0
phase() {
  phase_end
  PHASE=$1
  PHASE_START=$SECONDS
  log "── $PHASE"
}
phase_end() {
  if [ -n "$PHASE" ]; then
    local took=$((SECONDS - PHASE_START))
    TIMINGS+=("$(printf '%-34s %4ds' "$PHASE" "$took")")
    log "   $PHASE: ${took}s"
  fi
  PHASE=
}

stop_backend() {
  if [ -n "$BACKEND_PID" ]; then
    kill -- -"$BACKEND_PID" 2>/dev/null || true
    wait "$BACKEND_PID" 2>/dev/null || true
    BACKEND_PID=
  fi
}

cleanup() {
  local rc=$?
  stop_backend
  # a run that failed after its install gives the node_modules to the cache
  [ -z "$CURRENT_APP" ] || save_modules "$CURRENT_APP" "$(basename "$CURRENT_APP")" || true
  phase_end
  if [ ${#TIMINGS[@]} -gt 0 ]; then
    log "timings (total $((SECONDS))s):"
    printf '  %s\n' "${TIMINGS[@]}" >&2
  fi
  # kept when asked to, or after a failure (unless MESHDECK_ADOPTION_KEEP=0)
  local keep=${MESHDECK_ADOPTION_KEEP:-}
  if [ "$keep" = 1 ] || { [ $rc != 0 ] && [ "$keep" != 0 ]; }; then
    log "kept $WORK (apps without their node_modules, which are in $CACHE/modules; logs) until the next run"
  else
    discard "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the fresh apps' Yarn and its cache -------------------------------------

# Runs the app's own Yarn (its yarnPath) in the app, with the tier's cache.
# Install scripts reach no network: prebuild-install compiles (better-sqlite3,
# against npm_config_nodedir) instead of downloading, analytics are off.
app_yarn() {
  local app=$1
  shift
  (
    cd "$app"
    YARN_ENABLE_GLOBAL_CACHE=false \
      YARN_CACHE_FOLDER="$CACHE/yarn" \
      YARN_ENABLE_IMMUTABLE_INSTALLS=false \
      YARN_ENABLE_PROGRESS_BARS=false \
      npm_config_build_from_source=true \
      SCARF_ANALYTICS=false \
      DO_NOT_TRACK=1 \
      node "$app/$(sed -nE 's/^yarnPath: *//p' .yarnrc.yml)" "$@"
  )
}

# The node_modules of the last run of a flavor are kept in the cache (moved,
# not copied) with the yarn.lock and Yarn's install state they were installed
# with; they are valid for the same create-app version, Node and Yarn.
modules_key() {
  printf 'create-app %s; node %s (abi %s); %s\n' "$CREATE_APP_VERSION" \
    "$(node -p process.version)" "$(node -p process.versions.modules)" \
    "$(sed -nE 's/^yarnPath: *//p' "$1/.yarnrc.yml")"
}
# yarn.lock without the entries of the tarballs (they change every run)
strip_meshdeck_lock() {
  # shellcheck disable=SC2016 # JavaScript
  node -e '
    const fs = require("fs");
    const blocks = fs.readFileSync(process.argv[1], "utf8").split(/\n(?=\S)/);
    fs.writeFileSync(process.argv[2], blocks.filter(b => !/^"?@meshdeck\//.test(b)).join("\n"));
  ' "$1" "$2"
}
restore_modules() {
  local app=$1 flavor=$2
  local saved="$CACHE/modules/$flavor"
  if [ -f "$saved/key" ] && [ "$(cat "$saved/key")" = "$(modules_key "$app")" ] &&
    [ -d "$saved/node_modules" ] && mv "$saved/node_modules" "$app/node_modules" 2>/dev/null; then
    local d
    for d in "$saved"/packages/*/node_modules; do
      [ -d "$d" ] || continue
      d=${d#"$saved/"}
      mkdir -p "$app/$(dirname "$d")"
      mv "$saved/$d" "$app/$d"
    done
    strip_meshdeck_lock "$saved/yarn.lock" "$app/yarn.lock"
    # Yarn's record of what it built (else every native module builds again)
    [ ! -f "$saved/install-state.gz" ] || cp "$saved/install-state.gz" "$app/.yarn/install-state.gz"
    log "node_modules of the last $flavor app restored from $saved"
    return 0
  fi
  log "no cached node_modules for the $flavor app: a full install"
  return 1
}
save_modules() {
  local app=$1 flavor=$2
  local saved="$CACHE/modules/$flavor"
  [ -d "$app/node_modules" ] && [ -f "$app/yarn.lock" ] || return 0
  discard "$saved"
  mkdir -p "$saved/packages"
  rm -rf "$app/node_modules/.cache"
  mv "$app/node_modules" "$saved/node_modules"
  local d
  for d in "$app"/packages/*/node_modules; do
    [ -d "$d" ] || continue
    mkdir -p "$saved/packages/$(basename "$(dirname "$d")")"
    mv "$d" "$saved/packages/$(basename "$(dirname "$d")")/node_modules"
  done
  cp "$app/yarn.lock" "$saved/yarn.lock"
  [ ! -f "$app/.yarn/install-state.gz" ] || cp "$app/.yarn/install-state.gz" "$saved/install-state.gz"
  modules_key "$app" >"$saved/key"
  CURRENT_APP=
}

# ---- the tier ------------------------------------------------------------------

log "Backstage $RELEASE, @backstage/create-app $CREATE_APP_VERSION; apps: $FLAVORS; work folder $WORK; cache $CACHE"
mkdir -p "$PACKS" "$ARTIFACTS"
rm -f "$ARTIFACTS"/*.png

phase "pack: tsc, build, yarn pack"
(cd "$ROOT" && yarn tsc)
(cd "$ROOT" && yarn backstage-cli repo build)
for manifest in "$ROOT"/plugins/*/package.json; do
  name=$(node -p "const p = require('$manifest'); p.private ? '' : p.name")
  [ -n "$name" ] || continue
  (cd "$(dirname "$manifest")" && yarn pack --out "$PACKS/${name#@*/}.tgz" >/dev/null)
done
node "$HERE/check-packs.mjs" "$PACKS"

phase "create-app: download"
# create-app's own package folder (npm's npx cache), for its CLI and its
# table of the release's package versions
CREATE_APP_BIN=$(npm exec --yes --package="@backstage/create-app@$CREATE_APP_VERSION" -c 'command -v backstage-create-app')
CREATE_APP_DIR=$(cd "$(dirname "$(readlink -f "$CREATE_APP_BIN")")/.." && pwd)
CREATE_APP_RELEASE=$(node -p "require('$CREATE_APP_DIR/dist/lib/versions.cjs.js').packageVersions.root")
[ "$CREATE_APP_RELEASE" = "$RELEASE" ] ||
  die "@backstage/create-app $CREATE_APP_VERSION makes Backstage $CREATE_APP_RELEASE apps, backstage.json says $RELEASE: set MESHDECK_CREATE_APP_VERSION"

phase "cluster: demo seed, app-config"
(cd "$ROOT" && KUBECONFIG="$TEST_KUBECONFIG" yarn demo:seed) >"$WORK/demo-seed.log" 2>&1 ||
  { tail -20 "$WORK/demo-seed.log" >&2; die "yarn demo:seed failed"; }
(cd "$ROOT" && KUBECONFIG="$TEST_KUBECONFIG" node --require @backstage/cli/config/nodeTransform.cjs \
  scripts/kubeconfig-to-app-config.ts "$WORK/app-config.kubernetes.yaml") ||
  die "cannot make app-config from $TEST_KUBECONFIG"
# the demo's entities and Meshdeck's templates, as the apps' catalog
mkdir -p "$WORK/catalog"
cp -R "$ROOT/examples" "$ROOT/templates" "$WORK/catalog/"

port=$FIRST_PORT
for flavor in $FLAVORS; do
  case "$flavor" in
    default) create_flags=() ;;
    legacy) create_flags=(--legacy) ;;
    *) die "unknown app flavor $flavor (default, legacy)" ;;
  esac
  app="$WORK/$flavor"
  url="http://127.0.0.1:$port"

  phase "$flavor: create-app"
  # create-app's only own network request is a yarn.lock seed from a git
  # host: refused (loopback-only fetch); edit-app.mjs pins the release instead
  BACKSTAGE_APP_NAME="meshdeck-adoption-$flavor" \
    NODE_OPTIONS="--require $HERE/loopback-only-fetch.cjs" \
    node "$CREATE_APP_DIR/bin/backstage-create-app" --path "$app" --skip-install \
    "${create_flags[@]}" >"$WORK/$flavor-create-app.log" 2>&1 ||
    { tail -30 "$WORK/$flavor-create-app.log" >&2; die "create-app failed"; }
  [ "$(node -p "require('$app/backstage.json').version")" = "$RELEASE" ] ||
    die "the $flavor app is not on Backstage $RELEASE"
  node "$HERE/edit-app.mjs" --app "$app" --flavor "$flavor" --packs "$PACKS" \
    --create-app "$CREATE_APP_DIR" --repo "$ROOT"
  cp "$HERE/app-config.meshdeck.yaml" "$app/app-config.meshdeck.yaml"

  phase "$flavor: yarn install"
  restore_modules "$app" "$flavor" || true
  if ! app_yarn "$app" install >"$WORK/$flavor-install.log" 2>&1; then
    grep -E 'YN0001|YN0009|YN0018|YN0028|Error' "$WORK/$flavor-install.log" | tail -30 >&2 || true
    tail -5 "$WORK/$flavor-install.log" >&2
    die "yarn install of the $flavor app failed (log: $WORK/$flavor-install.log)"
  fi
  # from here on, even a failed run gives the installed modules to the cache
  CURRENT_APP=$app
  grep -E 'Completed|Done' "$WORK/$flavor-install.log" | sed 's/^/    /' >&2 || true
  node "$HERE/check-packs.mjs" "$PACKS" --installed "$app"
  # one version of each Backstage package: a second one means the release pins
  # or Meshdeck's dependency ranges drifted apart
  # shellcheck disable=SC2016 # JavaScript
  node -e '
    const lock = require("fs").readFileSync(process.argv[1], "utf8");
    const seen = {};
    for (const m of lock.matchAll(/^"(@backstage\/[^@"]+)@[^\n]*\n  version: ([^\n]+)/gm)) {
      (seen[m[1]] ??= new Set()).add(m[2]);
    }
    const dups = Object.entries(seen).filter(([, v]) => v.size > 1);
    for (const [name, v] of dups) console.error(`    ${name}: ${[...v].join(", ")}`);
    if (dups.length) { console.error("two versions of Backstage packages in the app (above)"); process.exit(1); }
  ' "$app/yarn.lock"

  phase "$flavor: yarn tsc"
  app_yarn "$app" tsc >"$WORK/$flavor-tsc.log" 2>&1 ||
    { cat "$WORK/$flavor-tsc.log" >&2; die "yarn tsc of the $flavor app failed"; }

  phase "$flavor: yarn build:backend (+ app)"
  app_yarn "$app" build:backend >"$WORK/$flavor-build.log" 2>&1 ||
    { grep -v 'dist/static' "$WORK/$flavor-build.log" | tail -40 >&2; die "yarn build:backend of the $flavor app failed"; }

  phase "$flavor: start the built backend"
  # create-app's Dockerfile: skeleton and bundle; node_modules are the app's
  deploy="$WORK/$flavor-deploy"
  mkdir -p "$deploy"
  tar -xzf "$app/packages/backend/dist/skeleton.tar.gz" -C "$deploy"
  tar -xzf "$app/packages/backend/dist/bundle.tar.gz" -C "$deploy"
  ln -s "$app/node_modules" "$deploy/node_modules"
  if curl -s -o /dev/null "$url"; then
    die "port $port is in use (MESHDECK_ADOPTION_PORT picks others)"
  fi
  (
    cd "$deploy"
    exec 9>&-
    NODE_ENV=production MESHDECK_ADOPTION_URL="$url" MESHDECK_ADOPTION_PORT="$port" \
      MESHDECK_ADOPTION_CATALOG="$WORK/catalog" \
      exec setsid node packages/backend \
      --config "$app/app-config.yaml" \
      --config "$app/app-config.meshdeck.yaml" \
      --config "$WORK/app-config.kubernetes.yaml"
  ) >"$WORK/$flavor-backend.log" 2>&1 &
  BACKEND_PID=$!
  deadline=$((SECONDS + 180))
  until curl -sf -o /dev/null "$url/.backstage/health/v1/readiness"; do
    if ! kill -0 "$BACKEND_PID" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      tail -30 "$WORK/$flavor-backend.log" >&2
      die "the $flavor app's backend did not come up (log: $WORK/$flavor-backend.log)"
    fi
    sleep 2
  done
  if grep -q '"level":"error"' "$WORK/$flavor-backend.log"; then
    log "the $flavor app's backend logged errors while starting:"
    grep '"level":"error"' "$WORK/$flavor-backend.log" | head -5 >&2
  fi

  phase "$flavor: Chromium checks"
  MESHDECK_APP_URL="$url" MESHDECK_ADOPTION_FLAVOR="$flavor" CHROMIUM_PATH="$CHROMIUM" \
    node --test --test-reporter=spec "$HERE/adoption.e2e.mjs" ||
    { tail -20 "$WORK/$flavor-backend.log" >&2; die "the $flavor app failed its checks (screenshots: $ARTIFACTS)"; }
  stop_backend
  save_modules "$app" "$flavor"
  port=$((port + 1))
done
phase_end
log "the packed packages work in fresh $FLAVORS apps (screenshots: e2e-artifacts/adoption/)"
