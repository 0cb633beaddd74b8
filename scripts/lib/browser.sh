# Sourced by scripts/*: make sure the browser has what it needs (docs/browser.md): a Chromium
# binary and a Chinese font (without one, screenshots show boxes for every character).
# Usage: ensure_chromium   Returns 0 when both are there or were installed, 1 otherwise (with
# a message saying what to do); never fatal on its own.

_has_chromium() {
    local name
    for name in "${XUNJIAN_CHROMIUM:-}" chromium chromium-browser google-chrome google-chrome-stable; do
        [ -n "$name" ] && command -v "$name" >/dev/null 2>&1 && return 0
    done
    return 1
}

_has_chinese_font() {
    command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -1)" ]
}

# apt-get install, as root or with a password-less sudo; 1 when that is not possible.
_apt_install() {
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || return 1
        sudo="sudo -n"
    fi
    command -v apt-get >/dev/null 2>&1 || return 1
    echo "installing $* for the browser (apt-get)" >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 && return 0
    $sudo apt-get update -qq >/dev/null 2>&1 \
        && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

ensure_chromium() {
    local wanted=()
    _has_chromium || wanted+=(chromium)
    _has_chinese_font || wanted+=(fonts-wqy-microhei)
    [ ${#wanted[@]} -eq 0 ] && return 0
    _apt_install "${wanted[@]}" || echo "warning: apt-get could not install ${wanted[*]}" >&2
    local missing=0
    if ! _has_chromium; then
        missing=1
        echo "warning: no Chromium found: pages behind script challenges stay 'blocked'." \
            "Install Chromium (Debian/Ubuntu: apt-get install chromium) or set" \
            "XUNJIAN_CHROMIUM to its binary (docs/browser.md)." >&2
    fi
    if ! _has_chinese_font; then
        echo "warning: no Chinese font found: screenshots will show boxes for Chinese text." \
            "Install one (Debian/Ubuntu: apt-get install fonts-wqy-microhei)." >&2
    fi
    return $missing
}
