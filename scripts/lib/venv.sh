# Sourced by scripts/*: create or refresh the project's virtualenv in .venv.
# Usage: ensure_venv [EXTRA]   (EXTRA: an optional-dependencies group such as "test")
ensure_venv() {
    local extra="${1:-}" spec="." py="${PYTHON:-python3}"
    [ -n "$extra" ] && spec=".[$extra]"
    if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "error: xunjian needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
        return 2
    fi
    if [ ! -x .venv/bin/python ]; then
        echo "creating the virtualenv in .venv" >&2
        "$py" -m venv .venv
    fi
    # Reinstall only when pyproject.toml changed or the wanted extra is missing; an install
    # with the test extra (which holds the browser's) serves every other.
    local stamp=".venv/.xunjian-installed" hash have=""
    hash="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    [ -f "$stamp" ] && have="$(cat "$stamp")"
    local served=false
    case "$have" in
        "$hash .[test]") served=true ;;
        "$hash $spec") served=true ;;
        "$hash .[browser]") [ -z "$extra" ] && served=true ;;
    esac
    if [ "$served" != true ]; then
        echo "installing xunjian$([ -n "$extra" ] && echo " with [$extra]") into .venv" >&2
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec" >&2
        echo "$hash $spec" > "$stamp"
    fi
}
