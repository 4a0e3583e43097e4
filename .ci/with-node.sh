#!/usr/bin/env bash
# Runs a command under the newest release of one Node.js major version:
#
#   .ci/with-node.sh 24 npm test
#   .ci/with-node.sh 22 node --version
#
# The npm registry's `node` package carries Node's official builds, so this needs only
# npm (any version) and the registry: no download from anywhere else. Each major version
# is installed once into a cache outside the checkout (NODE_CACHE, default
# ~/.cache/koa-state-course/node<major>) and replaced when a newer release is out.
set -euo pipefail

major="${1:-}"
if ! [[ "$major" =~ ^[0-9]+$ ]] || [ $# -lt 2 ]; then
  echo "usage: .ci/with-node.sh <major version> <command> [args...]   e.g. .ci/with-node.sh 24 npm test" >&2
  exit 2
fi
shift

dir="${NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/koa-state-course}/node$major"
bin="$dir/node_modules/.bin"
installed="$("$bin/node" --version 2>/dev/null || true)"
# The newest release of that line; offline, whatever is already installed will do.
latest="$(npm view "node@$major" version --json 2>/dev/null | tr -d '[]", ' | grep -E '^[0-9]' | sort -V | tail -n 1 || true)"

if [ -n "$latest" ] && [ "$installed" != "v$latest" ]; then
  echo "with-node: installing Node.js $latest into $dir" >&2
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node@$latest" >&2
elif [ -z "$installed" ]; then
  echo "with-node: Node.js $major is not installed in $dir and the npm registry cannot be reached" >&2
  exit 1
fi

export PATH="$bin:$PATH"
exec "$@"
