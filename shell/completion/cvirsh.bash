# bash completion for cvirsh: commands, options, domain and network names read from the live
# connection (the -c URI on the line, else the default), and file names where a command takes
# a file. cvirsh itself answers, through its `complete` command, so this script never goes
# stale.
#
# The words are read from the line itself (COMP_LINE up to the cursor), not from COMP_WORDS:
# bash splits words at ':' and '=' too, which would cut `-c lxc:///embed?root=DIR` and
# `--domain=web` apart.
_cvirsh() {
    local line=${COMP_LINE:0:COMP_POINT}
    local -a all
    read -r -a all <<< "$line"
    [[ $line =~ [[:space:]]$ ]] && all+=("")
    local cur=${all[${#all[@]}-1]}
    local -a conn=()
    local i=1
    while [ "$i" -lt $((${#all[@]} - 1)) ]; do
        case ${all[i]} in
            -c|--connect) conn=(-c "${all[i+1]}"); i=$((i + 2)) ;;
            --connect=*) conn=(-c "${all[i]#--connect=}"); i=$((i + 1)) ;;
            -d|--debug|-e|--escape|-k|--keepalive-interval|-K|--keepalive-count|-l|--log)
                i=$((i + 2)) ;;
            -?*) i=$((i + 1)) ;;
            *) break ;;
        esac
    done
    local -a words=("${all[@]:i}")
    local IFS=$'\n'
    local -a replies=($(cvirsh "${conn[@]}" complete -- "${words[@]}" 2>/dev/null))
    # bash replaces only its own last word, which begins after a ':' or '=' (COMP_WORDBREAKS):
    # each reply loses what comes before that word
    local prefix=${cur%"${COMP_WORDS[COMP_CWORD]}"}
    COMPREPLY=("${replies[@]#"$prefix"}")
    # a directory (cvirsh ends it in '/', where a command takes a file) is completed into
    if [ ${#COMPREPLY[@]} -eq 1 ] && [ "${COMPREPLY[0]: -1}" = / ]; then
        compopt -o nospace 2>/dev/null
    fi
}
complete -F _cvirsh cvirsh
