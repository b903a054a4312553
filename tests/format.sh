#!/bin/bash
# The C sources are formatted with the repository's .clang-format.
top=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v clang-format >/dev/null 2>&1; then
	echo "SKIP: clang-format is not installed"
	[ "${CI:-}" = true ] && { echo "FAIL: a skip is a failure when CI=true"; exit 1; }
	exit 77
fi
cd "$top" || exit 1
n=0
bad=0
for f in src/*.c src/*.h tests/unit/*.c tests/unit/*.h bench/lib/*.c; do
	[ -e "$f" ] || continue # bench/ is not in the release tarball
	n=$((n + 1))
	if clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "ok $n - $f"
	else
		echo "not ok $n - $f is not formatted (clang-format -i $f)"
		clang-format "$f" | diff -u "$f" - | head -20 | sed 's/^/    | /'
		bad=$((bad + 1))
	fi
done
echo "$n checks, $bad failed"
[ "$bad" -eq 0 ]
