# bash completion for vscsi
_vscsi_jobs() {
    local dir="${XDG_DATA_HOME:-$HOME/.local/share}/vscsi/jobs"
    [ -d "$dir" ] && (cd "$dir" && ls -1)
}

_vscsi() {
    # Plain bash: works with or without the bash-completion package.
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    local -a words=("${COMP_WORDS[@]}")
    local cword=$COMP_CWORD
    local global="--data-dir --config --socket --no-autostart --json --verbose --help --version"
    local ssh="--user --port --key --known-hosts --accept-new-host-key --ssh-config --jump --password-file --ask-password
               --no-agent --connect-timeout"
    local vc="--vc-user --vc-password-file --vc-ask-password --thumbprint --ca-file --insecure --vc-timeout"
    local cmd="" sub="" i
    for ((i = 1; i < cword; i++)); do
        case "${words[i]}" in
            --data-dir|--config|--socket) ((i++)) ;;
            -*) ;;
            *) if [ -z "$cmd" ]; then cmd="${words[i]}"; elif [ -z "$sub" ]; then sub="${words[i]}"; fi ;;
        esac
    done
    case "$prev" in
        --data-dir|--output-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --config|--key|-k|--known-hosts|--ssh-config|--password-file|--vc-password-file|--ca-file|--output|-o)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "png svg" -- "$cur")); return ;;
        --profile) COMPREPLY=($(compgen -W "quick standard deep" -- "$cur")); return ;;
        --status) COMPREPLY=($(compgen -W "pending running completed stopped failed" -- "$cur")); return ;;
        --filter) COMPREPLY=($(compgen -W "percentile statistical absolute auto none" -- "$cur")); return ;;
        --percentile-method) COMPREPLY=($(compgen -W "bucket_upper_bound interpolate" -- "$cur")); return ;;
        --rate) COMPREPLY=($(compgen -W "off mean peak" -- "$cur")); return ;;
        --host) COMPREPLY=($(compgen -W "sim:demo $(compgen -A hostname)" -- "$cur")); return ;;
    esac
    if [ -z "$cmd" ]; then
        COMPREPLY=($(compgen -W "analyze compare validate import host job vcenter daemon serve demo version $global" -- "$cur"))
        return
    fi
    case "$cmd" in
        job)
            if [ -z "$sub" ]; then
                COMPREPLY=($(compgen -W "start status stop resume list delete cleanup" -- "$cur"))
                return
            fi
            case "$sub" in
                start) COMPREPLY=($(compgen -W "--host --vcenter --vm --disk --profile --samples --interval --name --tag --wait
                                               --foreground --rearm-every --command-timeout --give-up-after $ssh $vc" -- "$cur")) ;;
                status) COMPREPLY=($(compgen -W "--follow $(_vscsi_jobs)" -- "$cur")) ;;
                list) COMPREPLY=($(compgen -W "--status --host --tag" -- "$cur")) ;;
                delete) COMPREPLY=($(compgen -W "--force $(_vscsi_jobs)" -- "$cur")) ;;
                stop) COMPREPLY=($(compgen -W "--no-wait $(_vscsi_jobs)" -- "$cur")) ;;
                resume) COMPREPLY=($(compgen -W "$(_vscsi_jobs)" -- "$cur")) ;;
                cleanup) COMPREPLY=($(compgen -W "$ssh $(_vscsi_jobs)" -- "$cur")) ;;
            esac ;;
        daemon)
            case "$sub" in
                "") COMPREPLY=($(compgen -W "status stop" -- "$cur")) ;;
                stop) COMPREPLY=($(compgen -W "--stop-jobs" -- "$cur")) ;;
            esac ;;
        serve) COMPREPLY=($(compgen -W "--metrics-listen --metrics-keep --stop-jobs-on-exit --max-request-rate" -- "$cur")) ;;
        demo) COMPREPLY=($(compgen -W "--samples --interval" -- "$cur")) ;;
        host)
            case "$sub" in
                "") COMPREPLY=($(compgen -W "discover check" -- "$cur")) ;;
                discover) [[ "$cur" == -* ]] && COMPREPLY=($(compgen -W "$ssh --vcenter --vm --cluster --folder $vc" -- "$cur")) ;;
                check) [[ "$cur" == -* ]] && COMPREPLY=($(compgen -W "$ssh" -- "$cur")) ;;
            esac ;;
        vcenter)
            case "$sub" in
                "") COMPREPLY=($(compgen -W "survey" -- "$cur")) ;;
                survey) [[ "$cur" == -* ]] && COMPREPLY=($(compgen -W "--vm --cluster --folder --minutes --top --csv --batch
                                                                         --page $vc" -- "$cur")) ;;
            esac ;;
        analyze)
            if [[ "$cur" == -* ]]; then
                COMPREPLY=($(compgen -W "--filter --threshold --percentile-method --output --output-dir --target --size
                                         --runtime --ioengine --no-direct --rate --per-disk --show-disks --csv --ndjson
                                         --visualize --format --report --interval --cumulative --name" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$(_vscsi_jobs)" -- "$cur") $(compgen -d -- "$cur"))
            fi ;;
        compare)
            if [[ "$cur" == -* ]]; then
                COMPREPLY=($(compgen -W "--filter --threshold --percentile-method --report --format" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$(_vscsi_jobs)" -- "$cur") $(compgen -d -- "$cur"))
            fi ;;
        import)
            if [ "$sub" = "fio" ]; then
                COMPREPLY=($(compgen -W "--interval --name --start --host --tag --jobs-in-sequence" -- "$cur") $(compgen -f -- "$cur"))
            else
                COMPREPLY=($(compgen -W "fio --interval --name --start --host --tag --vm --cumulative --reset-between-prints" -- "$cur") $(compgen -f -- "$cur"))
            fi ;;
        validate)
            if [[ "$cur" == -* ]]; then
                COMPREPLY=($(compgen -W "--target --size --runtime --ioengine --no-direct --rate --interval --strict
                                         --filter --threshold --percentile-method --max-size-tvd --max-read-points
                                         --max-size-dev --max-sequential-points --max-outstanding-dev --max-shape-tvd --max-iops-dev
                                         --max-interarrival-tvd --allow-device-writes --keep-target" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$(_vscsi_jobs)" -- "$cur") $(compgen -d -- "$cur"))
            fi ;;
    esac
}
complete -F _vscsi vscsi
