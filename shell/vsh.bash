# bash completion for vsh: every candidate comes from `vsh complete`, which
# derives them from vsh's command tables (and asks the daemon for domain
# and network names), so this file never lists commands itself.
_vsh_complete()
{
    local cur=${COMP_WORDS[COMP_CWORD]} i uri=() line
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -c|--connect) uri=(-c "${COMP_WORDS[i+1]}"); ((i++)) ;;
            -r|--readonly) uri+=(-r) ;;
            -*) ;;
            *) break ;;
        esac
    done
    line="${COMP_WORDS[*]:i:COMP_CWORD-i}"
    [ -n "$line" ] && line+=" "
    line+=$cur
    COMPREPLY=($(vsh -q "${uri[@]}" complete -- "$line" 2>/dev/null))
    [ ${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=($(compgen -f -- "$cur"))
    return 0
}
complete -o default -F _vsh_complete vsh
