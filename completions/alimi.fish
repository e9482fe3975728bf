# fish completion for alimi: commands, their flags, and the names of targets, notifiers, chains
# and screens, asked of alimi itself (`alimi list --names KIND`), so they follow the config in use.

function __alimi_names
    set -l config
    set -l words (commandline -opc)
    for i in (seq (count $words))
        if contains -- $words[$i] -c --config; and test $i -lt (count $words)
            set config -c $words[(math $i + 1)]
        end
    end
    alimi $config list --names $argv[1] 2>/dev/null
end

set -l commands check status history show test init prune validate notify-test retry cooldown list theaters movies doctor help
complete -c alimi -f
complete -c alimi -n "not __fish_seen_subcommand_from $commands" -a "$commands"
complete -c alimi -s c -l config -r -F -d 'Config file'
complete -c alimi -l state -r -F -d 'State database'
complete -c alimi -s v -l verbose -d 'More detail on stderr'
complete -c alimi -s q -l quiet -d 'Nothing but errors'
complete -c alimi -l log-format -x -a 'text json' -d 'Diagnostics format'
complete -c alimi -l version -d 'Print the version'

complete -c alimi -n '__fish_seen_subcommand_from check' -l dry-run -l json -l adopt
complete -c alimi -n '__fish_seen_subcommand_from check' -l spread -x -d 'Seconds to spread requests over'
complete -c alimi -n '__fish_seen_subcommand_from check show test history' -a '(__alimi_names targets)'
complete -c alimi -n '__fish_seen_subcommand_from status' -l json
complete -c alimi -n '__fish_seen_subcommand_from status' -l html -l prom -r -F
complete -c alimi -n '__fish_seen_subcommand_from history' -l since -x -l json
complete -c alimi -n '__fish_seen_subcommand_from show test' -l json
complete -c alimi -n '__fish_seen_subcommand_from init' -l theater -l movie -l api -x
complete -c alimi -n '__fish_seen_subcommand_from init' -l offline
complete -c alimi -n '__fish_seen_subcommand_from init theaters movies' -l chain -x -a '(__alimi_names chains)'
complete -c alimi -n '__fish_seen_subcommand_from init movies' -l screen -x -a '(__alimi_names screens)'
complete -c alimi -n '__fish_seen_subcommand_from prune' -l keep -x
complete -c alimi -n '__fish_seen_subcommand_from validate' -l json -l online
complete -c alimi -n '__fish_seen_subcommand_from notify-test retry' -a '(__alimi_names notifiers)'
complete -c alimi -n '__fish_seen_subcommand_from cooldown' -a clear
complete -c alimi -n '__fish_seen_subcommand_from list' -l json
complete -c alimi -n '__fish_seen_subcommand_from list' -l names -x -a 'targets notifiers chains screens'
complete -c alimi -n '__fish_seen_subcommand_from theaters movies' -l json -l api
complete -c alimi -n '__fish_seen_subcommand_from movies' -l upcoming -d 'films not on sale yet'
complete -c alimi -n '__fish_seen_subcommand_from doctor' -l online -l push
complete -c alimi -n '__fish_seen_subcommand_from help' -a "$commands"
