# test/scripts/lib/cron.bash: pg_cron for the script tests (sourced by
# test/scripts/refresh_cron.sh and test/scripts/refresh_history.sh).
#
#   cron_setup              checks that pg_cron is in shared_preload_libraries
#                           (else exits 1), sets crondb (cron.database_name)
#                           and creates the extension there when missing;
#                           skips the test (exit 0, a SKIP line) when
#                           pg_cron lacks cron.schedule_in_database (1.4)
#   cron_run_once JOB DB SQL
#                           schedules SQL every minute in database DB as job
#                           JOB, waits (at most $WAIT seconds, default 100:
#                           pg_cron 1.4 starts jobs on minute boundaries)
#                           for its first finished run, unschedules it and
#                           prints its runs; returns 0 when the run succeeded
#   cron_cleanup            unschedules the jobs scheduled here and drops the
#                           extension if cron_setup created it (for the
#                           caller's EXIT trap)
WAIT="${WAIT:-${ADOPTION_CRON_WAIT:-100}}"
cron_q=(psql -X -q -At -v ON_ERROR_STOP=1)
cron_created_ext=0
cron_jobs=()
crondb=postgres

cron_setup() {
    local preload bgw
    preload="$("${cron_q[@]}" -d postgres -c 'SHOW shared_preload_libraries')"
    if [[ ",${preload// /}," != *,pg_cron,* ]]; then
        echo "pg_cron is not in shared_preload_libraries ('$preload'): start the server with shared_preload_libraries = pg_cron"
        exit 1
    fi
    crondb="$("${cron_q[@]}" -d postgres -c 'SHOW cron.database_name')"
    bgw="$("${cron_q[@]}" -d postgres -c 'SHOW cron.use_background_workers')"
    echo "pg_cron: cron.database_name = $crondb, cron.use_background_workers = $bgw"
    if [[ "$("${cron_q[@]}" -d "$crondb" -c "SELECT count(*) FROM pg_extension WHERE extname = 'pg_cron'")" == 0 ]]; then
        "${cron_q[@]}" -d "$crondb" -c 'CREATE EXTENSION pg_cron'
        cron_created_ext=1
    fi
    "${cron_q[@]}" -d "$crondb" -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'" | sed 's/^/pg_cron version /'
    # cron.schedule_in_database is new in pg_cron 1.4 (Debian 11 ships 1.3)
    if [[ "$("${cron_q[@]}" -d "$crondb" -c "SELECT count(*) = 0 FROM pg_proc WHERE proname = 'schedule_in_database' AND pronamespace = 'cron'::regnamespace")" == t ]]; then
        echo "SKIP $(basename "$0"): needs pg_cron 1.4 or later (cron.schedule_in_database); this server has $("${cron_q[@]}" -d "$crondb" -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'")"
        cron_cleanup
        exit 0
    fi
}

cron_cleanup() {
    local j
    for j in "${cron_jobs[@]}"; do
        "${cron_q[@]}" -d "$crondb" -c "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = '$j'" >/dev/null 2>&1
    done
    if [[ $cron_created_ext -eq 1 ]]; then
        "${cron_q[@]}" -d "$crondb" -c 'DROP EXTENSION IF EXISTS pg_cron' >/dev/null 2>&1
    fi
    return 0
}

cron_run_once() {
    local job="$1" db="$2" sql="$3" jobid status="" i
    cron_jobs+=("$job")
    jobid="$("${cron_q[@]}" -d "$crondb" -v job="$job" -v db="$db" -v sql="$sql" <<'SQL'
SELECT cron.schedule_in_database(:'job', '* * * * *', :'sql', :'db');
SQL
)"
    echo "scheduled job $jobid ($job) at $(date -u +%H:%M:%S) UTC; waiting up to $WAIT s"
    for ((i = 0; i < WAIT; i += 2)); do
        status="$("${cron_q[@]}" -d "$crondb" -c "SELECT status || ' ' || coalesce(return_message, '') FROM cron.job_run_details WHERE jobid = $jobid AND status IN ('succeeded', 'failed') ORDER BY runid LIMIT 1")"
        [[ -n "$status" ]] && break
        sleep 2
    done
    "${cron_q[@]}" -d "$crondb" -c "SELECT cron.unschedule($jobid)" >/dev/null
    echo "job run after ${i} s: ${status:-none}"
    "${cron_q[@]}" -d "$crondb" -c "SELECT runid, status, return_message, start_time, end_time FROM cron.job_run_details WHERE jobid = $jobid ORDER BY runid"
    [[ "$status" == succeeded* ]]
}
