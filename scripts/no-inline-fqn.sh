#!/usr/bin/env bash
# Lists fully-qualified class names written inline in Java code (outside package and import lines and
# comments), e.g. `java.nio.file.Path p` where an import would do. Exit 1 when there are any.
#   scripts/no-inline-fqn.sh [DIR...]   (default: src)
# Allowed: net.jqwik.api.Tag, which shares its simple name with JUnit's Tag (the tier annotations carry both).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
found="$(grep -rnE --include='*.java' \
    '(^|[^A-Za-z0-9_."])(java|javax|jdk|ai\.djl|net2net|com\.google|org|picocli|me\.tongfei|net\.jqwik|de\.erichseifert)(\.[a-z][a-z0-9_]*)+\.[A-Z]' \
    "${@:-src}" \
  | grep -vE '^[^:]+:[0-9]+:\s*(import|package|\*|/\*|//)' \
  | grep -vE 'net\.jqwik\.api\.Tag\b' || true)"
if [[ -n $found ]]; then
  echo "$found"
  echo "no-inline-fqn: $(wc -l <<<"$found") lines with inline fully-qualified names; import the classes instead" >&2
  exit 1
fi
