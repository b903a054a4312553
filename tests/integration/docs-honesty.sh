#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# docs-honesty.sh - the documentation says what the option parser does.
#
#   a) every option `netprobe --help` lists is a documented option of
#      man/netprobe.8 (a .TP entry of OPTIONS) and is in the completion's
#      option lists (contrib/bash-completion/netprobe);
#   b) the reverse: every option the parser accepts (src/options.c's
#      option table, optdefs) is in --help or in the man page's OPTIONS;
#   c) no "Not implemented" list (man COMPATIBILITY, iputils part; README's
#      comparison with ping) names an option the parser accepts;
#   d) the man page renders without a warning (man --warnings, groff -ww).
#
# fping's "Not implemented" list is not checked: it names fping's letters,
# several of which netprobe has with ping's meaning (-l, -Q, -s, -n).
# Needs no root and sends no packet: every netprobe run here ends at
# option parsing (--help, or an unknown option); about 1 s.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

NP_TESTS=${NP_TESTS:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=lib.sh
. "$NP_TESTS/integration/lib.sh"

TOP=$NP_TESTS/..
MAN=$TOP/man/netprobe.8
README=$TOP/README.md
COMPLETION=$TOP/contrib/bash-completion/netprobe
OPTIONS_C=$TOP/src/options.c
for f in "$MAN" "$README" "$COMPLETION" "$OPTIONS_C"; do
	[ -r "$f" ] || np_skip "no $f"
done

sorted() { LC_ALL=C sort -u; }
# tokens: the words of roff text, one per line ("=" ends an option name).
tokens() { tr ' \t",|[]()=' '\n'; }
# missing A B: the lines of A that are not in B (both sorted), on one line.
missing() {
	LC_ALL=C comm -23 <(printf '%s\n' "$1" | grep .) \
		<(printf '%s\n' "$2" | grep .) | tr '\n' ' ' | sed 's/ $//'
}
# at_least DESC N LIST: a parse that finds nothing would check nothing.
at_least() {
	local n
	n=$(printf '%s\n' "$3" | grep -c .)
	if [ "$n" -ge "$2" ]; then
		np_ok "$1: $n found"
	else
		np_not_ok "$1: only $n found (the parse is broken)"
	fi
}

# ---- what --help lists --------------------------------------------------
HELP=$("$NETPROBE" --help) || np_not_ok "netprobe --help: exit $?"
HELP_LONG=$(printf '%s\n' "$HELP" |
	sed -nE 's/^ +(-[A-Za-z0-9], +)?(--[A-Za-z0-9][A-Za-z0-9-]*).*/\2/p' | sorted)
HELP_SHORT=$(printf '%s\n' "$HELP" |
	sed -nE 's/^ +(-[A-Za-z0-9])(,.*| .*)?$/\1/p' | sorted)
at_least "long options in --help" 20 "$HELP_LONG"
at_least "short options in --help" 20 "$HELP_SHORT"

# ---- what the man page documents ---------------------------------------
# The tag line after each .TP of the OPTIONS section (up to the next .SH),
# with roff's \- and font escapes undone: ".BR \-n ", " \-\-numeric".
MAN_TAGS=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$MAN" |
	awk 'tp { print; tp = 0 } /^\.TP/ { tp = 1 }' |
	sed -E 's/\\-/-/g; s/\\f[BIRP]//g')
MAN_LONG=$(printf '%s\n' "$MAN_TAGS" | tokens | grep -xE -- '--[a-z0-9][a-z0-9-]*' | sorted)
MAN_SHORT=$(printf '%s\n' "$MAN_TAGS" | tokens | grep -xE -- '-[A-Za-z0-9]' | sorted)
at_least "long options documented in man OPTIONS" 20 "$MAN_LONG"
at_least "short options documented in man OPTIONS" 20 "$MAN_SHORT"

np_eq "every long option of --help is documented in man OPTIONS" "" \
	"$(missing "$HELP_LONG" "$MAN_LONG")"
np_eq "every short option of --help is documented in man OPTIONS" "" \
	"$(missing "$HELP_SHORT" "$MAN_SHORT")"

# ---- what the completion offers ------------------------------------------
COMP_WORDS_ALL=$(bash --norc --noprofile -c '. "$1" &&
	printf "%s\n" $_netprobe_short $_netprobe_long' _ "$COMPLETION" | sorted)
at_least "options in the completion's lists" 40 "$COMP_WORDS_ALL"
np_eq "every long option of --help is in the completion" "" \
	"$(missing "$HELP_LONG" "$COMP_WORDS_ALL")"
np_eq "every short option of --help is in the completion" "" \
	"$(missing "$HELP_SHORT" "$COMP_WORDS_ALL")"

# ---- the reverse: what the parser accepts ------------------------------
# The option table of ping, many-target and inspect mode (optdefs[]): each
# row starts MACRO("long-name", 'x' (or 0 for no letter), up to its "};".
# The getopt arrays and --help are made from it at run time.
SRC_ROWS=$(sed -n '/^static const struct optdef optdefs\[\] = {/,/^};/p' "$OPTIONS_C" |
	grep -E '^[[:space:]]*[A-Z]+\("')
SRC_LONG=$(printf '%s\n' "$SRC_ROWS" |
	sed -nE 's/^[[:space:]]*[A-Z]+\("([a-z0-9-]+)",.*/--\1/p' | sorted)
SRC_SHORT=$(printf '%s\n' "$SRC_ROWS" |
	sed -nE "s/^[[:space:]]*[A-Z]+\\(\"[a-z0-9-]+\", '([A-Za-z0-9])'.*/-\\1/p" | sorted)
at_least "long options in src/options.c optdefs" 30 "$SRC_LONG"
at_least "short options in src/options.c optdefs" 20 "$SRC_SHORT"
np_eq "every long option the parser accepts is in --help or man OPTIONS" "" \
	"$(missing "$SRC_LONG" "$(printf '%s\n%s\n' "$HELP_LONG" "$MAN_LONG" | sorted)")"
np_eq "every short option the parser accepts is in --help or man OPTIONS" "" \
	"$(missing "$SRC_SHORT" "$(printf '%s\n%s\n' "$HELP_SHORT" "$MAN_SHORT" | sorted)")"

# ---- "Not implemented" lists name no option the parser accepts --------
# rejected OPT: the parser stops at OPT as an unknown option.  "x" fills the
# value of an option that takes one; if OPT is accepted, --help ends the
# run before anything is sent.
rejected() {
	local err
	err=$("$NETPROBE" "$1" x --help 2>&1 >/dev/null)
	printf '%s\n' "$err" | grep -qF "unknown option '$1'"
}
check_not_implemented() { # WHERE OPTS
	local o accepted=""
	for o in $2; do
		rejected "$o" || accepted="$accepted $o"
	done
	np_eq "$1: every option listed as not implemented is refused by the parser" \
		"" "${accepted# }"
}

# man COMPATIBILITY, iputils part: "Not implemented: iputils\(aq" then a
# .B line of options, up to "and intermediate hops".
MAN_NI=$(sed -n '/^\.SH COMPATIBILITY/,/^\.SH /p' "$MAN" |
	sed -n '/^Not implemented: iputils/,/intermediate hops/p' | sed 1d |
	sed -E 's/\\-/-/g' | tokens | grep -xE -- '-[A-Za-z0-9]' | sorted)
at_least "options in man COMPATIBILITY's iputils 'Not implemented' list" 5 "$MAN_NI"
check_not_implemented "man COMPATIBILITY (iputils)" "$MAN_NI"

# README, "Compared with iputils ping and fping": the "- Not implemented:"
# bullet, up to the next bullet or blank line; options in backquotes.
README_NI=$(sed -n '/^## Compared with iputils ping/,/^## /p' "$README" |
	awk '/^- Not implemented:/ { on = 1 } on && (/^$/ || (/^- / && !/^- Not implemented:/)) { on = 0 } on' |
	grep -oE '`-[A-Za-z0-9]`' | tr -d '`' | sorted)
at_least "options in README's 'Not implemented' list" 2 "$README_NI"
check_not_implemented "README" "$README_NI"

# ---- the man page renders without warnings -----------------------------
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
	warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l "$MAN" 2>&1 >/dev/null)
	np_eq "man --warnings renders man/netprobe.8 without a warning" "" "$warn"
	warn=$(groff -ww -man -z "$MAN" 2>&1)
	np_eq "groff -ww -man -z: no warning" "" "$warn"
	lines=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -E UTF-8 -l "$MAN" 2>/dev/null | grep -c .)
	if [ "$lines" -ge 1000 ]; then
		np_ok "man renders $lines non-empty lines"
	else
		np_not_ok "man renders only $lines non-empty lines"
	fi
else
	np_finish_early=true
fi

# EXAMPLES comes before the long reference (OPTIONS).
sections=$(grep -E '^\.SH ' "$MAN" | sed -E 's/^\.SH "?([^"]*)"?/\1/' | tr '\n' ' ')
np_match "man: EXAMPLES comes before OPTIONS" ' EXAMPLES .*OPTIONS ' " $sections"

if [ "${np_finish_early:-false}" = true ]; then
	[ "$NP_FAILED" -eq 0 ] || np_finish
	np_skip "man or groff is not installed: the rendering was not checked"
fi
np_finish
