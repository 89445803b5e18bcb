#!/usr/bin/env bash
# The demo without a cluster of your own: starts Meshdeck's local cluster
# (local-cluster.sh up; the first time it builds it, about 12 minutes), seeds
# the demo mesh into it (yarn demo:seed) and prints the line to use it:
#
#   eval "$(scripts/local-cluster/demo.sh)"   # export KUBECONFIG=...
#   ./run start
#
# `./run demo` does both. Progress goes to stderr, the export lines to stdout.
# Exit status 3: this machine cannot run the local cluster (not Debian or
# Ubuntu, or not root for the first start); the message says what to use
# instead (kind, minikube, an EKS kubeconfig).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
T0=$SECONDS

say() { printf '\033[1m[demo]\033[0m %s\n' "$*" >&2; }

say "starting Meshdeck's local Kubernetes cluster (scripts/local-cluster/local-cluster.sh up)"
env_lines=$("$HERE/local-cluster.sh" up) || exit $?
eval "$env_lines"

say "seeding the demo mesh into it (yarn demo:seed): Istio in istio-system, the shared"
say "  gateway in istio-ingress, the checkout canary in shop, storefront (Gateway API),"
say "  ledger (ambient), team-payments (not in the mesh yet)"
"$ROOT/run" yarn demo:seed >&2

printf '%s\n' "$env_lines"
say "demo cluster ready after $((SECONDS - T0)) s. Open a component once the app is up:"
say "  http://localhost:3000/catalog/default/component/checkout"
say "  kubectl: scripts/local-cluster/local-cluster.sh kubectl get virtualservices -A"
say "  stop the cluster: scripts/local-cluster/local-cluster.sh down (wipe deletes its data)"
