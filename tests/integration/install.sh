#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# install.sh - `make install DESTDIR=...` installs the binary, the
# check_netprobe link to it, the man page and the bash completion (with its
# check_netprobe link), and `make uninstall` removes every one of them.
#
# Runs make in the build tree ($NP_BUILDDIR) into a scratch DESTDIR, with
# the directories configure chose ($NP_BINDIR, $NP_MAN8DIR,
# $NP_BASHCOMPDIR, which make check passes).  Needs no root and sends no
# packet (check_netprobe is only asked for --help); about 2 s.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

NP_TESTS=${NP_TESTS:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=lib.sh
. "$NP_TESTS/integration/lib.sh"

: "${NP_BUILDDIR:?make check sets NP_BUILDDIR}"
: "${NP_BINDIR:?make check sets NP_BINDIR}"
: "${NP_MAN8DIR:?make check sets NP_MAN8DIR}"
: "${NP_BASHCOMPDIR:?make check sets NP_BASHCOMPDIR}"
np_require_cmd make

D=$NP_TMP/destdir
BIN=$D$NP_BINDIR
COMP=$D$NP_BASHCOMPDIR

# setcap is left out: privileges.sh tests it, and a scratch DESTDIR may
# sit on a file system without extended attributes.
if make -s -C "$NP_BUILDDIR" install DESTDIR="$D" enable_setcap=no \
	>"$NP_TMP/install.out" 2>&1; then
	np_ok "make install DESTDIR=... succeeds"
else
	np_not_ok "make install DESTDIR=... failed:"
	sed 's/^/    | /' "$NP_TMP/install.out"
fi

# The binary, and check_netprobe a symlink to it in the same directory.
[ -x "$BIN/netprobe" ] && np_ok "bin: netprobe installed" ||
	np_not_ok "bin: no executable $BIN/netprobe"
if [ -L "$BIN/check_netprobe" ]; then
	np_eq "bin: check_netprobe links to netprobe" netprobe "$(readlink "$BIN/check_netprobe")"
else
	np_not_ok "bin: $BIN/check_netprobe is not a symlink"
fi
# Called by that name it is the plugin (check_icmp's usage, exit 3 for
# -h as monitoring plugins do, or 0): only its help is asked for.
out=$("$BIN/check_netprobe" -h 2>&1)
np_match "bin: check_netprobe -h is plugin mode's help" \
	'^Monitoring-plugin mode, a drop-in for check_icmp' "$out"
out=$("$BIN/netprobe" --help 2>&1)
np_nomatch "bin: netprobe --help is not plugin mode's" '^Monitoring-plugin mode' "$out"

# The man page.
if [ -f "$D$NP_MAN8DIR/netprobe.8" ]; then
	np_eq "man: netprobe.8 installed as in the tree" "" \
		"$(cmp "$D$NP_MAN8DIR/netprobe.8" "$NP_TESTS/../man/netprobe.8" 2>&1)"
else
	np_not_ok "man: no $D$NP_MAN8DIR/netprobe.8"
fi

# The completion, and check_netprobe -> netprobe beside it (bash-completion
# loads a file by the command's name).
if [ -f "$COMP/netprobe" ]; then
	np_eq "completion: installed as in the tree" "" \
		"$(cmp "$COMP/netprobe" "$NP_TESTS/../contrib/bash-completion/netprobe" 2>&1)"
else
	np_not_ok "completion: no $COMP/netprobe"
fi
if [ -L "$COMP/check_netprobe" ]; then
	np_eq "completion: check_netprobe links to netprobe" netprobe "$(readlink "$COMP/check_netprobe")"
else
	np_not_ok "completion: $COMP/check_netprobe is not a symlink"
fi
# It loads, and registers both names.
spec=$(bash --norc --noprofile -c '. "$1" && complete -p netprobe check_netprobe' _ \
	"$COMP/check_netprobe" 2>&1)
np_match "completion: loads and completes netprobe" '^complete -F _netprobe netprobe$' "$spec"
np_match "completion: and check_netprobe" '^complete -F _netprobe check_netprobe$' "$spec"

# Installing again over the links works (make install twice is common).
if make -s -C "$NP_BUILDDIR" install DESTDIR="$D" enable_setcap=no \
	>"$NP_TMP/install2.out" 2>&1; then
	np_ok "make install a second time succeeds"
else
	np_not_ok "make install a second time failed:"
	sed 's/^/    | /' "$NP_TMP/install2.out"
fi

# Uninstall leaves no file and no link (directories may stay, as automake
# leaves them).
if make -s -C "$NP_BUILDDIR" uninstall DESTDIR="$D" >"$NP_TMP/uninstall.out" 2>&1; then
	np_ok "make uninstall DESTDIR=... succeeds"
else
	np_not_ok "make uninstall DESTDIR=... failed:"
	sed 's/^/    | /' "$NP_TMP/uninstall.out"
fi
left=$(cd "$D" && find . ! -type d | LC_ALL=C sort | tr '\n' ' ')
np_eq "uninstall leaves no file or link behind" "" "$left"

np_finish
