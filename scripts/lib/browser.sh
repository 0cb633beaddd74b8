# Sourced by scripts/*: make sure a Chromium is there for the browser (docs/browser.md).
# Usage: ensure_chromium   Returns 0 when one is found or was installed, 1 otherwise (with
# a message saying what to do); never fatal on its own.
ensure_chromium() {
    local found
    for found in "${XUNJIAN_CHROMIUM:-}" chromium chromium-browser google-chrome google-chrome-stable; do
        [ -n "$found" ] && command -v "$found" >/dev/null 2>&1 && return 0
    done
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo="sudo -n"
        fi
    fi
    if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || [ -n "$sudo" ]; }; then
        echo "installing Chromium for the browser (apt-get install chromium)" >&2
        if $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
            || { $sudo apt-get update -qq >/dev/null 2>&1 \
                && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; }; then
            command -v chromium >/dev/null 2>&1 && return 0
        fi
        echo "warning: apt-get could not install chromium" >&2
    fi
    echo "warning: no Chromium found: pages behind script challenges stay 'blocked'." \
        "Install Chromium (Debian/Ubuntu: apt-get install chromium) or set XUNJIAN_CHROMIUM" \
        "to its binary (docs/browser.md)." >&2
    return 1
}
