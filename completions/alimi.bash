# bash completion for alimi: commands, their flags, and the names of targets, notifiers, chains
# and screens, asked of alimi itself (`alimi list --names KIND`), so they follow the config in
# use and the chain registry.

_alimi_names() {
    alimi "${_alimi_config[@]}" list --names "$1" 2>/dev/null
}

_alimi_flags() {
    case $1 in
    check) echo "--dry-run --json --spread --adopt" ;;
    status) echo "--json --html --prom" ;;
    history) echo "--since --json" ;;
    show | test) echo "--json" ;;
    init) echo "--theater --screen --movie --chain --api --offline" ;;
    prune) echo "--keep" ;;
    validate) echo "--json --online" ;;
    list) echo "--json --names" ;;
    theaters) echo "--chain --json --api" ;;
    movies) echo "--screen --chain --json --api --upcoming" ;;
    doctor) echo "--online --push" ;;
    esac
}

_alimi() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local commands="check status history show test init prune validate notify-test retry cooldown list theaters movies doctor help"
    local cmd="" i
    local -a _alimi_config=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -c | --config) _alimi_config=(-c "${COMP_WORDS[i + 1]}") && ((i++)) ;;
        --state | --log-format) ((i++)) ;;
        -*) ;;
        *) [[ -z $cmd ]] && cmd=${COMP_WORDS[i]} ;;
        esac
    done
    case $prev in
    -c | --config | --state | --html | --prom)
        COMPREPLY=($(compgen -f -- "$cur"))
        return
        ;;
    --chain) COMPREPLY=($(compgen -W "$(_alimi_names chains)" -- "$cur")) && return ;;
    --screen) COMPREPLY=($(compgen -W "$(_alimi_names screens)" -- "$cur")) && return ;;
    --names) COMPREPLY=($(compgen -W "targets notifiers chains screens" -- "$cur")) && return ;;
    --log-format) COMPREPLY=($(compgen -W "text json" -- "$cur")) && return ;;
    esac
    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$commands -c --config --state -v -q --log-format --version --help" -- "$cur"))
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_alimi_flags "$cmd") --help" -- "$cur"))
        return
    fi
    case $cmd in
    check | show | test) COMPREPLY=($(compgen -W "$(_alimi_names targets)" -- "$cur")) ;;
    history) COMPREPLY=($(compgen -W "$(_alimi_names targets)" -- "$cur")) ;;
    notify-test | retry) COMPREPLY=($(compgen -W "$(_alimi_names notifiers)" -- "$cur")) ;;
    cooldown) COMPREPLY=($(compgen -W "clear" -- "$cur")) ;;
    help) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
    esac
}

complete -F _alimi alimi
