# test/scripts/lib/common.bash: what several script tests share.  A script
# sources it from the tree's root:
#
#   . test/scripts/lib/common.bash
#
# (test/run runs only the executable test/scripts/*.sh, never this file.)
#
#   new_db NAME                    drops and creates the database NAME, which
#                                  is dropped again when the script exits
#   adoption_db NAME               new_db NAME, with the extension
#   generated_db NAME SEED EVENTS  adoption_db NAME, holding the tables of
#                                  data/generate.sql (EVENTS events, seed SEED)
#   new_work                       a temporary directory in $work, removed
#                                  when the script exits
#   at_exit 'COMMAND'              one more command to run at exit
#
# The clean-up at exit is this file's EXIT trap: a script that sources it
# sets none of its own.

_common_at_exit=()
at_exit() { _common_at_exit+=("$1"); }
_common_exit() {
    local c
    for c in "${_common_at_exit[@]}"; do eval "$c" || true; done
}
trap _common_exit EXIT

new_db() {
    dropdb --if-exists "$1" >/dev/null 2>&1 || true
    createdb "$1"
    at_exit "dropdb --if-exists '$1' >/dev/null 2>&1"
}

adoption_db() {
    new_db "$1"
    psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c 'CREATE EXTENSION adoption'
}

generated_db() {
    adoption_db "$1"
    psql -X -q -v ON_ERROR_STOP=1 -d "$1" -v events="$3" -v seed="$2" -f data/generate.sql
}

new_work() {
    work="$(mktemp -d)"
    at_exit "rm -rf '$work'"
}
