#!/usr/bin/env bash
# Meshdeck's local cluster: a Kubernetes API server on 127.0.0.1 for the demo,
# so that `./run start` has something to show without a cluster of your own.
#
#   local-cluster.sh up       build once if needed, start, install the CRDs;
#                             prints `export KUBECONFIG=...` on stdout
#   local-cluster.sh down     stop the processes (the data stays)
#   local-cluster.sh status   processes, build, API readiness (exit 0 if ready)
#   local-cluster.sh env      print the export lines
#   local-cluster.sh wipe     down, then delete the cluster's data and certificates
#   local-cluster.sh build    only build the binaries
#   local-cluster.sh kubectl ARGS...   the kubectl built with the server
#
# What runs: etcd (Debian/Ubuntu package etcd-server), kube-apiserver and
# kube-controller-manager (namespace and garbage-collector controllers only)
# v1.20 built from the distribution's own `kubernetes` source package with its
# Go, and the CRDs of scripts/local-cluster/crds/ (Istio, external-secrets,
# Gateway API kinds Meshdeck reads, with open schemas). There is no kubelet or
# scheduler: pods stay Pending unless someone writes their status, which
# `yarn demo:seed` does for the demo mesh.
#
# Needs Debian or Ubuntu, and root for the first run (apt-get install of the
# build tools and etcd, a deb-src entry when the system has none). Elsewhere,
# use kind, minikube or an EKS kubeconfig (the message says how).
#
# Files (MESHDECK_LOCAL_CLUSTER_HOME, default ~/.cache/meshdeck/local-cluster,
# shared by every clone of the repository on this machine):
#   bin/<source package version>/   kube-apiserver, kube-controller-manager, kubectl
#   cluster/                        pki/, etcd/, logs/, run/*.pid, kubeconfig
#   build/                          the source tree while building (deleted after)
#   logs/build.log                  apt-get, source download, code generation, compile
#
# Environment: MESHDECK_LOCAL_CLUSTER_API_PORT (default 17443),
# MESHDECK_LOCAL_CLUSTER_ETCD_PORT (default 17379; peer +1, metrics +2).
set -euo pipefail
shopt -s nullglob

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HOME_DIR=${MESHDECK_LOCAL_CLUSTER_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/meshdeck/local-cluster}
API_PORT=${MESHDECK_LOCAL_CLUSTER_API_PORT:-17443}
ETCD_PORT=${MESHDECK_LOCAL_CLUSTER_ETCD_PORT:-17379}
CLUSTER=$HOME_DIR/cluster
PKI=$CLUSTER/pki
PIDS=$CLUSTER/run
LOGS=$CLUSTER/logs
KUBECONFIG_FILE=$CLUSTER/kubeconfig
BUILD_LOG=$HOME_DIR/logs/build.log
API_URL=https://127.0.0.1:$API_PORT
ETCD_URL=http://127.0.0.1:$ETCD_PORT
NAME=meshdeck-local
# exit status when this machine cannot run the local cluster (not an error of
# the script): the caller may fall back to starting without a cluster
UNSUPPORTED=3

PACKAGES=(etcd-server golang-go make rsync dpkg-dev xz-utils openssl curl
  golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev)
T0=$SECONDS

say() {
  local t=$((SECONDS - T0))
  printf '\033[1m[local-cluster %d:%02d]\033[0m %s\n' $((t / 60)) $((t % 60)) "$*" >&2
}
die() {
  printf '\033[1;31m[local-cluster] %s\033[0m\n' "$*" >&2
  exit 1
}

# Says what to do instead of the local cluster, and exits with UNSUPPORTED.
use_another_cluster() {
  printf '\033[1;33m[local-cluster] %s\033[0m\n' "$1" >&2
  cat >&2 <<'EOF'
[local-cluster] Meshdeck's local cluster is built from the `kubernetes` source
  package of Debian or Ubuntu, as root for its first start. Use another
  Kubernetes cluster instead:
    kind:     kind create cluster --name meshdeck
    minikube: minikube start
    EKS:      aws eks update-kubeconfig --name CLUSTER --kubeconfig ~/.kube/eks-meshdeck
  Meshdeck's local mode reads the current context of KUBECONFIG (or
  ~/.kube/config) and needs a token user there; on a throw-away cluster:
    kubectl create serviceaccount meshdeck
    kubectl create clusterrolebinding meshdeck --clusterrole=cluster-admin --serviceaccount=default:meshdeck
    kubectl config set-credentials meshdeck --token="$(kubectl create token meshdeck --duration=24h)"
    kubectl config set-context --current --user=meshdeck
  (for EKS with IAM see the README, "Pointing it at a real EKS cluster"). Then
    KUBECONFIG=<that kubeconfig> ./run start
  The demo mesh (`./run yarn demo:seed`, into a throw-away cluster) needs the
  Istio, external-secrets and Gateway API CRDs; on a cluster without them:
    kubectl apply -f scripts/local-cluster/crds/
EOF
  exit "$UNSUPPORTED"
}

is_root() { [ "$(id -u)" = 0 ]; }

# Runs CMD with its output appended to the build log; on failure shows the tail.
logged() {
  mkdir -p "${BUILD_LOG%/*}"
  if "$@" >>"$BUILD_LOG" 2>&1; then return 0; fi
  tail -n 25 "$BUILD_LOG" >&2
  die "'$*' failed (full log: $BUILD_LOG)"
}

# ------------------------------------------------------------------- platform
# shellcheck disable=SC1091 # the running system's file
os_field() { (. /etc/os-release 2>/dev/null && eval "echo \"\${$1:-}\""); }

check_platform() {
  [ "$(uname -s)" = Linux ] || use_another_cluster "This is $(uname -s), not Linux."
  local id like
  id=$(os_field ID)
  like=$(os_field ID_LIKE)
  case " $id $like " in
    *" debian "* | *" ubuntu "*) ;;
    *) use_another_cluster "This is ${id:-an unknown system}, not Debian or Ubuntu." ;;
  esac
  [ -n "$(os_field VERSION_CODENAME)" ] || use_another_cluster "/etc/os-release names no release codename."
}

# ------------------------------------------------------------------- apt
APT_UPDATED=0
apt_get() {
  DEBIAN_FRONTEND=noninteractive logged apt-get -q -y -o DPkg::Lock::Timeout=300 "$@"
}
apt_update() {
  [ "$APT_UPDATED" = 0 ] || return 0
  say "apt-get update (log: $BUILD_LOG)"
  apt_get update
  APT_UPDATED=1
}

ensure_packages() {
  local p missing=()
  for p in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && return 0
  is_root || use_another_cluster "Not root: cannot install ${missing[*]} (as root: apt-get install ${missing[*]})."
  apt_update
  say "apt-get install ${missing[*]} (log: $BUILD_LOG)"
  apt_get install --no-install-recommends "${missing[@]}"
}

# The candidate version of the `kubernetes` source package, if apt knows one.
source_version() {
  { apt-get source --print-uris kubernetes 2>/dev/null || true; } |
    sed -n "s/^'[^']*' kubernetes_\(.*\)\.dsc .*/\1/p" | head -n1
}

# deb-src entries mirroring the system's own deb entries of this release (its
# codename and codename-*), so the mirror, components and keyring are the
# system's: one file for deb822 stanzas, one for one-line entries.
write_debsrc() {
  local codename parts list
  codename=$(os_field VERSION_CODENAME)
  parts=$(apt-config dump | sed -n 's/^Dir::Etc::sourceparts "\(.*\)";/\1/p')
  list=$(apt-config dump | sed -n 's/^Dir::Etc::sourcelist "\(.*\)";/\1/p')
  case $parts in /*) ;; *) parts=/etc/apt/$parts ;; esac
  case $list in /*) ;; *) list=/etc/apt/$list ;; esac
  local sources=("$parts"/*.sources) lists=() f
  for f in "$list" "$parts"/*.list; do [ -f "$f" ] && lists+=("$f"); done
  local stanzas="" lines=""
  if [ ${#sources[@]} -gt 0 ]; then
    stanzas=$(awk -v rel="$codename" '
      function flush(  i, n, s, hit) {
        n = split(suites, s, /[ \t]+/)
        for (i = 1; i <= n; i++) if (s[i] == rel || index(s[i], rel "-") == 1) hit = 1
        if (hit && types ~ /(^|[ \t])deb([ \t]|$)/ && tolower(enabled) != "no") printf "%s\n", body
        body = types = suites = enabled = ""
      }
      FNR == 1 && NR > 1 { flush() }
      /^#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[^ \t]/ {
        key = tolower($1); value = $0; sub(/^[^:]*:[ \t]*/, "", value)
        if (key == "types:") { types = value; body = body "Types: deb-src\n"; next }
        if (key == "suites:") suites = value
        if (key == "enabled:") enabled = value
      }
      { body = body $0 "\n" }
      END { flush() }' "${sources[@]}")
  fi
  if [ ${#lists[@]} -gt 0 ]; then
    lines=$(awk -v rel="$codename" '
      $1 == "deb" {
        rest = $0; sub(/^[ \t]*deb[ \t]+/, "", rest)
        opts = ""; if (rest ~ /^\[/) { opts = rest; sub(/\].*/, "] ", opts); sub(/^\[[^]]*\][ \t]*/, "", rest) }
        split(rest, a, /[ \t]+/)
        if (a[2] == rel || index(a[2], rel "-") == 1) print "deb-src " opts rest
      }' "${lists[@]}")
  fi
  [ -n "$stanzas$lines" ] || die "found no 'deb' entry for $codename in the apt sources to derive a deb-src entry from"
  local header="# Added by Meshdeck's scripts/local-cluster: the sources of the deb entries
# of $codename, for \`apt-get source kubernetes\`. Delete this file to undo."
  if [ -n "$stanzas" ]; then
    printf '%s\n\n%s\n' "$header" "$stanzas" >"$parts/meshdeck-local-cluster-src.sources"
    say "added $parts/meshdeck-local-cluster-src.sources (deb-src entries derived from the system's deb entries)"
  fi
  if [ -n "$lines" ]; then
    printf '%s\n%s\n' "$header" "$lines" >"$parts/meshdeck-local-cluster-src.list"
    say "added $parts/meshdeck-local-cluster-src.list (deb-src entries derived from the system's deb entries)"
  fi
}

# Prints the source package version, adding deb-src entries when needed.
find_source() {
  local ver
  ver=$(source_version)
  if [ -z "$ver" ] && is_root; then
    apt_update
    ver=$(source_version)
  fi
  if [ -z "$ver" ]; then
    is_root || use_another_cluster "Not root: apt knows no 'kubernetes' source package, and adding a deb-src entry needs root."
    write_debsrc
    APT_UPDATED=0
    apt_update
    ver=$(source_version)
  fi
  [ -n "$ver" ] || use_another_cluster "$(os_field PRETTY_NAME) has no 'kubernetes' source package (Debian 12 has it)."
  echo "$ver"
}

# ------------------------------------------------------------------- build
bin_dir() { echo "$HOME_DIR/bin/$1"; }

have_binaries() {
  local d
  d=$(bin_dir "$1")
  [ -x "$d/kube-apiserver" ] && [ -x "$d/kube-controller-manager" ] && [ -x "$d/kubectl" ]
}

# The newest complete build in the cache (used when apt cannot be asked).
cached_version() {
  local d v=""
  for d in "$HOME_DIR"/bin/*/; do
    d=${d%/}
    have_binaries "${d##*/}" && v=${d##*/}
  done
  echo "$v"
}

# Prints the version whose binaries to run, building them first if needed.
ensure_binaries() {
  local ver
  if ! is_root && [ -n "$(cached_version)" ] && [ -z "$(source_version)" ]; then
    cached_version
    return
  fi
  ensure_packages
  ver=$(find_source)
  if have_binaries "$ver"; then
    say "binaries of kubernetes $ver are built ($(bin_dir "$ver"))" >&2
  else
    build "$ver"
  fi
  echo "$ver"
}

# Prints "compiled N of M packages" every 30 s while the compiler runs
# (`go build -v` names each package it compiles; the standard library's are
# not counted).
progress() {
  local total=$1 n pct=""
  while sleep 30; do
    n=$(grep -cE '^[A-Za-z0-9-]+\.[A-Za-z0-9.-]*/[^ ]*$' "$BUILD_LOG.go" 2>/dev/null || true)
    [ "${total:-0}" -gt 0 ] 2>/dev/null && pct=" ($((${n:-0} * 100 / total))%)"
    say "  compiling: ${n:-0} of $total packages$pct (log: $BUILD_LOG)"
  done
}

build() (
  local ver=$1 w=$HOME_DIR/build src kver major minor flags="" p started=$SECONDS
  say "first start: building kube-apiserver, kube-controller-manager and kubectl from the"
  say "  $(os_field PRETTY_NAME) source package kubernetes $ver; this takes about"
  say "  12 minutes on 2 idle cores (more on a busy machine), once per source version"
  say "  (log: $BUILD_LOG)"
  rm -rf "$w"
  mkdir -p "$w/src" "$w/gopath/src/k8s.io" "$w/home" "$w/tmp" "$w/out"
  cd "$w/src"
  say "[1/4] downloading and unpacking the source package (~35 MB)"
  # the sandbox user _apt cannot write into a root-only cache
  if is_root; then
    logged apt-get -q -o APT::Sandbox::User=root source "kubernetes=$ver"
  else
    logged apt-get -q source "kubernetes=$ver"
  fi
  src=$(find "$w/src" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)
  [ -n "$src" ] || die "apt-get source left no kubernetes-* directory (log: $BUILD_LOG)"

  # Kubernetes 1.20 vendors reflect2 1.0.1 and json-iterator 1.1.10, which
  # crash at run time when built with Go 1.18 or newer ("fatal error: fault"
  # in mapiterinit). Build against the distribution's newer copies instead.
  say "[2/4] using the distribution's modern-go/reflect2 and json-iterator/go in vendor/"
  for p in modern-go/reflect2 json-iterator/go; do
    [ -d "/usr/share/gocode/src/github.com/$p" ] || die "/usr/share/gocode/src/github.com/$p is missing"
    rm -rf "${src:?}/vendor/github.com/$p"
    mkdir -p "$src/vendor/github.com/$p"
    find "/usr/share/gocode/src/github.com/$p" -maxdepth 1 -type f ! -name '*_test.go' \
      \( -name '*.go' -o -name '*.s' -o -name LICENSE -o -name go.mod \) \
      -exec cp -t "$src/vendor/github.com/$p" {} +
  done

  # GOPATH mode from vendor/, nothing fetched, everything inside build/
  unset GOFLAGS GOROOT
  export GOPATH=$w/gopath GOCACHE=$w/gocache GOTMPDIR=$w/tmp HOME=$w/home
  export GO111MODULE=off GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0
  ln -s "$src" "$GOPATH/src/k8s.io/kubernetes"
  cd "$GOPATH/src/k8s.io/kubernetes"
  # pkg/generated/openapi is generated code that the source tarball lacks
  say "[3/4] generating pkg/generated/openapi (make gen_openapi, ~3 min)"
  logged make gen_openapi

  kver=${ver#*really}
  kver=${kver%%-*}
  kver=${kver%%+*}
  IFS=. read -r major minor _ <<<"$kver"
  for p in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
    flags+=" -X $p.gitVersion=v$kver -X $p.gitMajor=$major -X $p.gitMinor=$minor"
    flags+=" -X $p.gitTreeState=archive -X $p.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  done
  local cmds=(./cmd/kube-apiserver ./cmd/kube-controller-manager ./cmd/kubectl) total
  total=$(go list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' "${cmds[@]}" 2>/dev/null | grep -c . || true)
  say "[4/4] compiling v$kver with $(go version | awk '{print $3}') (~9 min on 2 cores)"
  progress "${total:-?}" >/dev/null &
  local ticker=$! rc=0
  go build -v -ldflags "-s -w$flags" -o "$w/out/" "${cmds[@]}" >"$BUILD_LOG.go" 2>&1 || rc=$?
  kill "$ticker" 2>/dev/null || true
  cat "$BUILD_LOG.go" >>"$BUILD_LOG"
  rm -f "$BUILD_LOG.go"
  if [ "$rc" != 0 ]; then
    tail -n 25 "$BUILD_LOG" >&2
    die "compiling failed (full log: $BUILD_LOG)"
  fi
  local dest
  dest=$(bin_dir "$ver")
  rm -rf "$dest"
  mkdir -p "${dest%/*}"
  mv "$w/out" "$dest"
  cd "$HOME_DIR"
  rm -rf "$w" # source tree and Go cache, about 2 GiB
  say "built in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s: $dest"
)

# ------------------------------------------------------------------- processes
pid_of() { # NAME: the pid in run/NAME.pid if that process is still ours
  local pid
  pid=$(cat "$PIDS/$1.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  grep -qaF -- "$CLUSTER" "/proc/$pid/cmdline" || return 1
  echo "$pid"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

launch() { # NAME PORT... -- CMD...: start CMD in its own session unless running
  local name=$1 pid
  shift
  if pid=$(pid_of "$name"); then
    say "$name is running (pid $pid)"
    while [ "$1" != -- ]; do shift; done
    return 0
  fi
  while [ "$1" != -- ]; do
    ! port_in_use "$1" || die "port $1 on 127.0.0.1 is taken by another process; set MESHDECK_LOCAL_CLUSTER_API_PORT / _ETCD_PORT to free ones"
    shift
  done
  shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PIDS/$name.pid"
  # until the child has exec'd, its command line is this script's, which
  # pid_of would not take for ours
  local i
  for ((i = 0; i < 100; i++)); do
    pid_of "$name" >/dev/null || [ ! -e "/proc/$pid" ] && break
    sleep 0.1
  done
  say "started $name (pid $pid, log: $LOGS/$name.log)"
}

wait_for() { # NAME SECONDS CMD...: until CMD succeeds, while NAME runs
  local name=$1 deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ! pid_of "$name" >/dev/null; then
      tail -n 20 "$LOGS/$name.log" >&2
      die "$name stopped (log: $LOGS/$name.log)"
    fi
    [ $SECONDS -lt "$deadline" ] || die "$name not ready after $2 s (log: $LOGS/$name.log)"
    sleep 0.5
  done
}

stop_one() {
  local pid i
  pid=$(pid_of "$1") || {
    rm -f "$PIDS/$1.pid"
    return 0
  }
  say "stopping $1 (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 40; i++)); do
    [ -e "/proc/$pid" ] || break
    sleep 0.25
  done
  [ ! -e "/proc/$pid" ] || kill -9 "$pid" 2>/dev/null || true
  rm -f "$PIDS/$1.pid"
}

cmd_down() {
  local n
  for n in kube-controller-manager kube-apiserver etcd; do stop_one "$n"; done
}

# ------------------------------------------------------------------- cluster
certificates() (
  umask 077
  mkdir -p "$PKI"
  cd "$PKI"
  [ -f tokens.csv ] && return 0
  say "creating a CA, the API server's certificate, service-account keys and tokens ($PKI)"
  local san=IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default
  san+=,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
  logged openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$NAME-ca" -keyout ca.key -out ca.crt
  logged openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver -keyout apiserver.key -out apiserver.csr
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' \
    "$san" >apiserver.ext
  logged openssl x509 -req -days 3650 -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
    -extfile apiserver.ext -out apiserver.crt
  logged openssl genrsa -out sa.key 2048
  logged openssl rsa -in sa.key -pubout -out sa.pub
  openssl rand -hex 32 >admin.token
  openssl rand -hex 32 >controller-manager.token
  # static tokens: token,user,uid,"groups" (written last: a half-done run starts over)
  printf '%s,%s,%s,"%s"\n' \
    "$(<admin.token)" meshdeck-admin meshdeck-admin system:masters \
    "$(<controller-manager.token)" system:kube-controller-manager kube-controller-manager system:masters \
    >tokens.csv
)

kubeconfig() { # FILE TOKEN-FILE USER: written on every up, as the port may have changed
  (
    umask 077
    cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: $NAME
    cluster:
      server: $API_URL
      certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
  - name: $3
    user:
      token: $(<"$2")
contexts:
  - name: $NAME
    context:
      cluster: $NAME
      user: $3
current-context: $NAME
EOF
  )
}

api_ready() {
  curl -sf --cacert "$PKI/ca.crt" -H "Authorization: Bearer $(<"$PKI/admin.token")" "$API_URL/readyz"
}

kctl() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" --cache-dir "$CLUSTER/kubectl-cache" "$@"; }

start_processes() {
  local peer=http://127.0.0.1:$((ETCD_PORT + 1))
  # etcd 3.4 refuses to start on arm64 unless told that it may
  launch etcd "$ETCD_PORT" $((ETCD_PORT + 1)) $((ETCD_PORT + 2)) -- \
    env ETCD_UNSUPPORTED_ARCH="$(dpkg --print-architecture)" /usr/bin/etcd --name "$NAME" --data-dir "$CLUSTER/etcd" \
    --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
    --initial-cluster "$NAME=$peer" --initial-cluster-state new \
    --listen-metrics-urls "http://127.0.0.1:$((ETCD_PORT + 2))"
  wait_for etcd 60 curl -sf "$ETCD_URL/health"
  # Kubernetes 1.20: --insecure-port=0 switches off its plain-HTTP port 8080;
  # no ServiceAccount admission (no token controller runs), no endpoints
  # reconciler (nothing serves the kubernetes Service's endpoints anyway)
  launch kube-apiserver "$API_PORT" -- \
    "$BIN/kube-apiserver" --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
    --secure-port="$API_PORT" --insecure-port=0 --etcd-servers="$ETCD_URL" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" --token-auth-file="$PKI/tokens.csv" --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=10.96.0.0/12 --endpoint-reconciler-type=none \
    --disable-admission-plugins=ServiceAccount --allow-privileged=true --profiling=false \
    --v=1
  wait_for kube-apiserver 180 api_ready
  say "kube-apiserver is ready at $API_URL"
  # namespace deletion and ownerReference cascades; no other controller
  launch kube-controller-manager -- \
    "$BIN/kube-controller-manager" --kubeconfig="$PKI/controller-manager.kubeconfig" \
    --controllers=namespace,garbagecollector --leader-elect=false --port=0 --secure-port=0 --v=1
}

install_crds() {
  say "applying the CRDs of $HERE/crds (Istio, external-secrets, Gateway API)"
  logged kctl apply -f "$HERE/crds/"
  kctl wait --for condition=established --timeout=60s -f "$HERE/crds/" >/dev/null ||
    die "the CRDs did not become Established (kubectl get crd)"
  # kubectl's discovery cache may predate them (short names like vs would fail)
  rm -rf "$CLUSTER/kubectl-cache"
}

print_env() {
  printf 'export KUBECONFIG=%q\n' "$KUBECONFIG_FILE"
  printf 'export MESHDECK_LOCAL_CLUSTER_KUBECTL=%q\n' "$BIN/kubectl"
}

cmd_up() {
  check_platform
  local ver
  ver=$(ensure_binaries)
  [ -n "$ver" ] || die "no binaries to run"
  BIN=$(bin_dir "$ver")
  mkdir -p "$PIDS" "$LOGS"
  certificates
  kubeconfig "$KUBECONFIG_FILE" "$PKI/admin.token" meshdeck-admin
  kubeconfig "$PKI/controller-manager.kubeconfig" "$PKI/controller-manager.token" system:kube-controller-manager
  # running processes of an older build keep running it; restart them
  local n pid
  for n in kube-apiserver kube-controller-manager; do
    if pid=$(pid_of "$n") && ! grep -qaF -- "$BIN/" "/proc/$pid/cmdline"; then
      stop_one "$n"
    fi
  done
  start_processes
  install_crds
  for n in etcd kube-apiserver kube-controller-manager; do
    pid_of "$n" >/dev/null || die "$n stopped (log: $LOGS/$n.log)"
  done
  echo "$ver" >"$CLUSTER/version"
  print_env
  say "local cluster ready: $API_URL (kubernetes $ver), KUBECONFIG=$KUBECONFIG_FILE"
}

cmd_status() {
  local n pid ver
  for n in etcd kube-apiserver kube-controller-manager; do
    if pid=$(pid_of "$n"); then echo "$n: running (pid $pid)"; else echo "$n: stopped"; fi
  done
  ver=$(cached_version)
  echo "binaries: ${ver:-not built} (${HOME_DIR}/bin)"
  echo "kubeconfig: $KUBECONFIG_FILE"
  if [ -f "$PKI/admin.token" ] && api_ready >/dev/null 2>&1; then
    echo "api: ready at $API_URL"
  else
    echo "api: not ready"
    return 1
  fi
}

with_lock() {
  mkdir -p "$HOME_DIR"
  exec 9>"$HOME_DIR/.lock"
  flock -n 9 || {
    say "waiting for another local-cluster command to finish"
    flock 9
  }
}

BIN=""
case ${1:-} in
  up)
    with_lock
    cmd_up
    ;;
  down)
    with_lock
    cmd_down
    ;;
  wipe)
    with_lock
    cmd_down
    rm -rf "$CLUSTER"
    say "deleted $CLUSTER (the built binaries stay in $HOME_DIR/bin)"
    ;;
  build)
    with_lock
    check_platform
    ensure_binaries >/dev/null
    ;;
  status) cmd_status ;;
  env)
    ver=$(cat "$CLUSTER/version" 2>/dev/null || cached_version)
    BIN=$(bin_dir "$ver")
    print_env
    ;;
  kubectl)
    shift
    ver=$(cat "$CLUSTER/version" 2>/dev/null || cached_version)
    [ -n "$ver" ] || die "not built yet: run $0 up"
    BIN=$(bin_dir "$ver")
    kctl "$@"
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
