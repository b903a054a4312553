#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# completion.sh - contrib/bash-completion/netprobe completes what netprobe
# accepts.
#
# Sources the completion file in a non-interactive bash and calls the
# function registered for netprobe with COMP_WORDS, COMP_CWORD, COMP_LINE
# and COMP_POINT set as bash sets them, then reads COMPREPLY.  Twice:
#   a) plain: without bash-completion (the compgen fallbacks), under set -u
#   b) helpers: with bash-completion's bash_completion loaded first
#      (_init_completion, _filedir, _known_hosts_real)
# Checks option names, option values (-M, -I, --file, --metrics, --read,
# --save, --inspect=, --decimals), targets,
# plugin mode (--plugin, check_netprobe), and that every option
# `netprobe --help` lists is offered, and no long option beyond them but
# those still being implemented.
#
# Without bash-completion installed, a) runs and the test then skips (a
# failure when CI=true).  Needs no root and sends no packet; about 2 s.

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

NP_TESTS=${NP_TESTS:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=lib.sh
. "$NP_TESTS/integration/lib.sh"

COMPLETION=$NP_TESTS/../contrib/bash-completion/netprobe
[ -r "$COMPLETION" ] || np_skip "no completion file at $COMPLETION"

# Options offered by the completion before netprobe --help lists them: the
# issue 4 options being implemented.  Remove each one once --help has it.
PENDING_LONG=()
PENDING_SHORT=(-J)

BASH_COMPLETION_SCRIPT=""
for f in ${NP_BASH_COMPLETION:-} /usr/share/bash-completion/bash_completion \
	/usr/local/share/bash-completion/bash_completion /etc/bash_completion; do
	if [ -r "$f" ]; then
		BASH_COMPLETION_SCRIPT=$f
		break
	fi
done

# A scratch directory for file completion, a host file for host completion
# (compgen -A hostname and _known_hosts_real read $HOSTFILE), and an empty
# home, so that ~/.ssh/known_hosts plays no part.
mkdir -p "$NP_TMP/files/sub" "$NP_TMP/home"
touch "$NP_TMP/files/alpha.txt" "$NP_TMP/files/beta.list" \
	"$NP_TMP/files/trace1.pcap" "$NP_TMP/files/trace2.pcapng" \
	"$NP_TMP/files/trace3.txt" "$NP_TMP/files/TRACE4.CAP"
printf '198.51.100.7 nphost-alpha\n198.51.100.8 nphost-beta\n' >"$NP_TMP/hosts"

# The driver: `drive.sh MODE spec CMD` prints `complete -p CMD`;
# `drive.sh MODE comp LINE` completes at the end of LINE and prints COMPREPLY,
# one per line.  LINE is split into words as bash splits it (blanks, and "="
# a word of its own).
cat >"$NP_TMP/drive.sh" <<'EOF'
mode=$1 action=$2 arg=$3
if [[ $mode == helpers ]]; then
	. "$BASH_COMPLETION_SCRIPT" || exit 3
else
	set -u
fi
. "$COMPLETION" || exit 3
if [[ $action == spec ]]; then
	complete -p "$arg"
	exit
fi
read -ra toks <<<"$arg"
[[ $arg == *[[:blank:]] ]] && toks+=("")
COMP_WORDS=()
for t in "${toks[@]}"; do
	if [[ $t == ?*=* ]]; then
		COMP_WORDS+=("${t%%=*}" "=")
		[[ -n ${t#*=} ]] && COMP_WORDS+=("${t#*=}")
	else
		COMP_WORDS+=("$t")
	fi
done
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$arg
COMP_POINT=${#arg}
COMP_TYPE=9
COMP_KEY=9
cmd=${COMP_WORDS[0]}
spec=$(complete -p "$cmd" 2>/dev/null || complete -p "${cmd##*/}") || exit 4
func=$(sed -nE 's/.* -F ([^ ]+) .*/\1/p' <<<"$spec")
COMPREPLY=()
"$func" "$cmd" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
if ((${#COMPREPLY[@]})); then
	printf '%s\n' "${COMPREPLY[@]}"
fi
EOF

# np_comp MODE LINE: sets REPLY_LIST (sorted, one per line); a failing
# driver, or anything on its stderr, is a failed check of its own.
np_comp() {
	local rc
	REPLY_LIST=$(cd "$NP_TMP/files" &&
		HOME=$NP_TMP/home HOSTFILE=$NP_TMP/hosts COMPLETION=$COMPLETION \
			BASH_COMPLETION_SCRIPT=$BASH_COMPLETION_SCRIPT \
			bash --norc --noprofile "$NP_TMP/drive.sh" "$1" comp "$2" \
			2>"$NP_TMP/comp.err" | LC_ALL=C sort -u; exit "${PIPESTATUS[0]}")
	rc=$?
	if [ "$rc" != 0 ] || [ -s "$NP_TMP/comp.err" ]; then
		np_not_ok "$1: '$2': driver exit $rc, stderr: $(cat "$NP_TMP/comp.err")"
	fi
}

words() { # the words of the arguments (lines or words), sorted, one per line
	printf '%s\n' "$@" | tr ' ' '\n' | grep . | LC_ALL=C sort -u
}

# comp_eq MODE LINE EXPECTED...: COMPREPLY is exactly these words.
comp_eq() {
	local mode=$1 line=$2
	shift 2
	np_comp "$mode" "$line"
	np_eq "$mode: '$line'" "$(words "$@")" "$REPLY_LIST"
}

# comp_empty MODE LINE: nothing offered.
comp_empty() {
	np_comp "$1" "$2"
	np_eq "$1: '$2' offers nothing" "" "$REPLY_LIST"
}

# comp_has MODE LINE WORD...: COMPREPLY has each WORD.
comp_has() {
	local mode=$1 line=$2 w missing=""
	shift 2
	np_comp "$mode" "$line"
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$REPLY_LIST" || missing="$missing $w"
	done
	if [ -z "$missing" ]; then
		np_ok "$mode: '$line' offers $*"
	else
		np_not_ok "$mode: '$line' does not offer$missing; it offers:"
		printf '%s\n' "$REPLY_LIST" | sed 's/^/    | /'
	fi
}

# comp_hasnt MODE LINE WORD...: COMPREPLY has none of the WORDs.
comp_hasnt() {
	local mode=$1 line=$2 w extra=""
	shift 2
	np_comp "$mode" "$line"
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$REPLY_LIST" && extra="$extra $w"
	done
	if [ -z "$extra" ]; then
		np_ok "$mode: '$line' does not offer $*"
	else
		np_not_ok "$mode: '$line' offers$extra"
	fi
}

# The options netprobe --help lists: the option column of the indented lines.
HELP=$("$NETPROBE" --help) || np_not_ok "netprobe --help: exit $?"
HELP_LONG=$(printf '%s\n' "$HELP" |
	sed -nE 's/^ +(-[A-Za-z0-9], +)?(--[A-Za-z0-9][A-Za-z0-9-]*).*/\2/p' |
	LC_ALL=C sort -u)
HELP_SHORT=$(printf '%s\n' "$HELP" |
	sed -nE 's/^ +(-[A-Za-z0-9])(,.*| .*)?$/\1/p' | LC_ALL=C sort -u)
n_long=$(printf '%s\n' "$HELP_LONG" | grep -c .)
n_short=$(printf '%s\n' "$HELP_SHORT" | grep -c .)
# Guard against a parse that finds nothing and so checks nothing.
if [ "$n_long" -ge 20 ] && [ "$n_short" -ge 20 ]; then
	np_ok "--help lists $n_long long and $n_short short options"
else
	np_not_ok "--help parsed into only $n_long long and $n_short short options"
fi

PLUGIN_OPTS=(-H -w -c -n -p -i -I -m -l -t -b -s -4 -6 -v -h -V --metrics --no-sandbox)

run_checks() {
	local m=$1 o extra plugin

	# Registered for both names, to the same function.
	np_eq "$m: check_netprobe completes as netprobe does" \
		"$(bash --norc --noprofile "$NP_TMP/drive.sh" "$m" spec netprobe 2>&1 |
			sed -E 's/ netprobe$//')" \
		"$(bash --norc --noprofile "$NP_TMP/drive.sh" "$m" spec check_netprobe 2>&1 |
			sed -E 's/ check_netprobe$//')"

	# Every option of --help is offered; no long option beyond them but the
	# pending ones.
	np_comp "$m" "netprobe --"
	extra=$(LC_ALL=C comm -23 <(printf '%s\n' "$HELP_LONG") <(printf '%s\n' "$REPLY_LIST") | tr '\n' ' ')
	np_eq "$m: every long option of --help is offered" "" "$extra"
	extra=$(LC_ALL=C comm -13 <(words "$HELP_LONG" "${PENDING_LONG[@]}") <(printf '%s\n' "$REPLY_LIST") | tr '\n' ' ')
	np_eq "$m: no long option offered that --help does not list" "" "$extra"
	# Short options: should --help come to list check_icmp's options too
	# (-H, -m, -l, -b), plugin mode offers those.
	np_comp "$m" "check_netprobe -"
	plugin=$REPLY_LIST
	np_comp "$m" "netprobe -"
	extra=$(LC_ALL=C comm -23 <(printf '%s\n' "$HELP_SHORT") <(words "$REPLY_LIST" "$plugin") | tr '\n' ' ')
	np_eq "$m: every short option of --help is offered" "" "$extra"
	extra=$(printf '%s\n' "$REPLY_LIST" | grep -vE '^--' |
		LC_ALL=C comm -13 <(words "$HELP_SHORT" "${PENDING_SHORT[@]}") - | tr '\n' ' ')
	np_eq "$m: no short option offered that --help does not list" "" "$extra"

	# Option names.
	comp_eq "$m" "netprobe --ti" --timeout --timestamps
	comp_eq "$m" "netprobe --timeo" --timeout
	comp_eq "$m" "netprobe --js" --json
	comp_eq "$m" "netprobe --perc" --percentiles
	comp_eq "$m" "netprobe --metr" --metrics
	comp_eq "$m" "netprobe --plu" --plugin
	comp_eq "$m" "netprobe --mu" --multi
	comp_has "$m" "netprobe -q -" -4 -6 -J -M -I --count --file --gap

	# Option values.
	comp_eq "$m" "netprobe -M " "do" dont want probe
	comp_eq "$m" "netprobe --pmtudisc w" want
	comp_eq "$m" "netprobe --pmtudisc=w" want
	comp_eq "$m" "netprobe --pmtudisc=" "do" dont want probe
	comp_eq "$m" "netprobe -qM d" "do" dont
	comp_empty "$m" "netprobe -c "
	comp_empty "$m" "netprobe -W "
	comp_empty "$m" "netprobe --gap "
	comp_empty "$m" "netprobe --quiet="
	comp_has "$m" "netprobe -I " lo
	comp_has "$m" "netprobe --interface=" lo
	comp_has "$m" "netprobe -I l" lo
	np_nomatch "$m: 'netprobe -I l' offers only names starting with l" '^[^l]' "$REPLY_LIST"
	comp_has "$m" "netprobe --file " alpha.txt beta.list sub -
	comp_eq "$m" "netprobe --file al" alpha.txt
	comp_eq "$m" "netprobe --file=b" beta.list
	comp_has "$m" "netprobe --metrics " alpha.txt beta.list -
	comp_eq "$m" "netprobe -J --metrics al" alpha.txt

	# Capture: --read offers pcap files (and directories), --save any
	# file, --inspect= an interface or any, --decimals 3 to 6.
	comp_eq "$m" "netprobe --read tr" trace1.pcap trace2.pcapng
	comp_eq "$m" "netprobe --read=tr" trace1.pcap trace2.pcapng
	comp_eq "$m" "netprobe --read TR" TRACE4.CAP
	comp_has "$m" "netprobe --read " sub trace1.pcap trace2.pcapng
	comp_hasnt "$m" "netprobe --read " alpha.txt beta.list trace3.txt
	comp_eq "$m" "netprobe --save tr" trace1.pcap trace2.pcapng trace3.txt
	comp_has "$m" "netprobe --inspect=" any lo
	comp_eq "$m" "netprobe --inspect=an" any
	comp_has "$m" "netprobe -c 5 --inspect=l" lo
	comp_hasnt "$m" "netprobe --inspect=l" any
	comp_empty "$m" "netprobe --inspect "
	comp_eq "$m" "netprobe --decimals " 3 4 5 6
	comp_eq "$m" "netprobe --decimals=" 3 4 5 6
	comp_eq "$m" "netprobe -q --decimals 6" 6
	comp_empty "$m" "netprobe --decimals 7"

	# Targets.
	comp_eq "$m" "netprobe nphost-" nphost-alpha nphost-beta
	comp_eq "$m" "netprobe -4 -c 3 nphost-a" nphost-alpha
	comp_eq "$m" "netprobe -I lo nphost-b" nphost-beta
	comp_eq "$m" "netprobe --file targets nphost-b" nphost-beta
	comp_hasnt "$m" "netprobe -- -" --count -c
	comp_has "$m" "netprobe -q -- nphost-" nphost-alpha

	# Plugin mode: check_icmp's options.
	comp_has "$m" "netprobe --plugin -" -H -w -c
	comp_hasnt "$m" "netprobe --plugin -" --gap --json --count -M -J
	comp_eq "$m" "check_netprobe -" "${PLUGIN_OPTS[@]}"
	comp_eq "$m" "/usr/lib/nagios/plugins/check_netprobe -" "${PLUGIN_OPTS[@]}"
	comp_eq "$m" "netprobe -w 100,20% --plugin -H nphost-" nphost-alpha nphost-beta
	# --plugin as an option's value or after "--" is not plugin mode,
	# as for netprobe's parser.
	comp_has "$m" "netprobe -I --plugin --" --gap --json
	comp_has "$m" "netprobe --interface --plugin --" --gap --json
	comp_has "$m" "netprobe -qI --plugin --" --gap --json
	comp_has "$m" "netprobe -n --plugin -" -H -w
	comp_hasnt "$m" "netprobe -- --plugin -" -H -w
	comp_has "$m" "netprobe --sandbox-test " socket exec open
	comp_eq "$m" "check_netprobe -H nphost-a" nphost-alpha
	comp_eq "$m" "check_netprobe -w 200,40% nphost-b" nphost-beta
	comp_has "$m" "check_netprobe -s " lo
	for o in -w -c -n -p -i -I -m -l -t -b; do
		comp_empty "$m" "check_netprobe $o "
	done
}

run_checks plain
if [ -z "$BASH_COMPLETION_SCRIPT" ]; then
	[ "$NP_FAILED" -eq 0 ] || np_finish
	np_skip "bash-completion is not installed: checked without its helpers only"
fi
run_checks helpers
np_finish
