# Shared set-up for scripts/run and scripts/test: install what is missing, configure, build.
# Sourced, not run. Build output goes to build/setup.log and is shown only when something fails,
# so `scripts/run check --json | jq` sees nothing but alimi's own output.

ALIMI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ALIMI_PACKAGES=(g++ meson ninja-build pkg-config python3 libcli11-dev libcurl4-openssl-dev
  libpugixml-dev nlohmann-json3-dev libsqlite3-dev libfmt-dev doctest-dev libtomlplusplus-dev
  libexpected-dev libssl-dev)

alimi_missing_packages() {
    local p
    for p in "${ALIMI_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
            printf '%s\n' "$p"
    done
}

alimi_install_packages() {
    local missing
    missing=$(alimi_missing_packages "$@")
    [ -z "$missing" ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "alimi setup: need root or sudo to install: $missing" >&2; return 1; }
        sudo="sudo"
    fi
    echo "alimi setup: installing" $missing >&2
    # Debian's lists may be missing or stale on a fresh machine; refresh once before installing.
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
}

# alimi_build DIR [meson options...]
# ALIMI_TARGETS: ninja targets to build (default: everything); ALIMI_PROGRESS=1: show ninja's
# progress on stderr (stdout stays alimi's own, for pipelines).
alimi_build() {
    local dir=$1; shift
    mkdir -p "$ALIMI_ROOT/$dir"
    local log="$ALIMI_ROOT/$dir/setup.log"
    {
        if [ ! -f "$ALIMI_ROOT/$dir/build.ninja" ]; then
            meson setup "$ALIMI_ROOT/$dir" "$ALIMI_ROOT" "$@"
        elif [ $# -gt 0 ]; then
            meson configure "$ALIMI_ROOT/$dir" "$@"
        fi
    } >"$log.tmp" 2>&1
    local rc=$?
    if [ $rc -eq 0 ] && [ "${ALIMI_PROGRESS:-0}" = 1 ]; then
        # shellcheck disable=SC2086 # targets are words
        ninja -C "$ALIMI_ROOT/$dir" ${ALIMI_TARGETS:-} 2>&1 | tee -a "$log.tmp" |
            grep -v -e '^ninja: Entering directory' -e '^ninja: no work to do' >&2
        rc=${PIPESTATUS[0]}
    elif [ $rc -eq 0 ]; then
        # shellcheck disable=SC2086
        ninja -C "$ALIMI_ROOT/$dir" ${ALIMI_TARGETS:-} >>"$log.tmp" 2>&1
        rc=$?
    fi
    mv "$log.tmp" "$log"
    if [ $rc -ne 0 ]; then
        cat "$log" >&2
        echo "alimi setup: build in $dir failed (log: $log)" >&2
    fi
    return $rc
}
