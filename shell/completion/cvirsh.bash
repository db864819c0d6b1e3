# bash completion for cvirsh: commands, options, and domain and network names read from the
# live connection (the -c URI on the line, else the default). cvirsh itself answers, through
# its `complete` command, so this script never goes stale.
_cvirsh() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local -a conn=()
    local i=1
    while [ "$i" -lt "$COMP_CWORD" ]; do
        case ${COMP_WORDS[i]} in
            -c|--connect) conn=(-c "${COMP_WORDS[i+1]}"); i=$((i + 2)) ;;
            -d|--debug|-e|--escape|-k|--keepalive-interval|-K|--keepalive-count|-l|--log)
                i=$((i + 2)) ;;
            -?*) i=$((i + 1)) ;;
            *) break ;;
        esac
    done
    local -a words=("${COMP_WORDS[@]:i:COMP_CWORD-i}")
    local IFS=$'\n'
    COMPREPLY=($(cvirsh "${conn[@]}" complete -- "${words[@]}" "$cur" 2>/dev/null))
    # nothing from cvirsh after a command (define FILE, …): file names
    if [ ${#COMPREPLY[@]} -eq 0 ] && [ ${#words[@]} -ge 1 ] && [ "${cur:0:1}" != "-" ]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _cvirsh cvirsh
