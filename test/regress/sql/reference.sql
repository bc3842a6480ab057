--
-- reference: every example of the reference documentation, in its order,
-- with the outputs the documentation shows.
--
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';

CREATE TABLE events (user_id bigint, feature text, occurred_at timestamptz);
INSERT INTO events VALUES
    (1, 'reports', '2026-01-05 09:00'),
    (1, 'reports', '2026-01-05 16:30'),
    (1, 'alerts',  '2026-01-12 10:00'),
    (2, 'reports', '2026-01-20 11:00'),
    (6, 'reports', '2026-01-26 14:00'),
    (1, 'reports', '2026-02-09 14:00'),
    (3, 'alerts',  '2026-02-10 08:00'),
    (1, 'reports', '2026-03-02 09:00'),
    (4, NULL,      '2026-03-16 10:00'),
    (4, 'reports', '2026-03-17 10:00'),
    (1, 'export',  '2026-03-25 13:00'),
    (1, NULL,      '2026-03-30 09:00'),
    (2, 'alerts',  '2026-03-30 15:00'),
    (3, 'reports', '2026-03-31 17:00'),
    (5, 'reports', '2026-04-02 09:00');

CREATE TABLE users (user_id bigint, department text);
INSERT INTO users VALUES
    (1, 'sales'), (2, 'sales'), (3, 'support'), (4, 'eng'), (5, 'eng'), (6, 'finance');

CREATE TABLE summary AS
SELECT activity_agg(user_id, occurred_at, feature) AS act FROM events;

-- Conventions
SELECT active_users(act, as_of => '2026-03-31')      AS named,
       active_users(act, '2026-03-31', 30)           AS positional,
       active_users(act, '2026-03-31', days => 1)    AS last_day_only,
       active_users(NULL::activity, '2026-03-31')    AS null_summary,
       active_users(act, as_of => NULL)              AS null_as_of
FROM summary;

SELECT count(*) AS retention_rows FROM summary, retention(act, as_of => NULL);

SELECT active_users(act, '2026-03-31', 0) FROM summary;
\echo :LAST_ERROR_SQLSTATE

SELECT active_users(act, 'infinity') FROM summary;
\echo :LAST_ERROR_SQLSTATE

-- The type activity
SELECT act::text FROM summary;

SELECT pg_column_size(act) AS stored_bytes,
       octet_length(act::text) AS text_bytes,
       get_byte(decode(split_part(act::text, ':', 2), 'base64'), 0) AS first_byte,
       activity_send(act) = decode(split_part(act::text, ':', 2), 'base64') AS send_is_stored
FROM summary;

SELECT (SELECT act::text FROM summary) =
       (SELECT activity_agg(user_id, occurred_at, feature ORDER BY occurred_at DESC)::text
          FROM events) AS same_text,
       (SELECT act::text::activity::text = act::text FROM summary) AS round_trip;

SELECT 'hello'::activity;
\echo :LAST_ERROR_SQLSTATE

SELECT '1:AQ=='::activity;
\echo :LAST_ERROR_SQLSTATE

-- activity_agg
SELECT user_count(activity_agg(u, d)) AS users,
       activity_agg(u, d) FILTER (WHERE false) IS NULL AS over_zero_rows
FROM (VALUES (1, date '2026-03-02'), (NULL, date '2026-03-02'), (2, NULL)) v(u, d);

SELECT activity_agg(1, 'infinity'::date);
\echo :LAST_ERROR_SQLSTATE

-- rollup
SELECT (SELECT rollup(act)::text
          FROM (SELECT activity_agg(user_id, occurred_at, feature) AS act
                  FROM events GROUP BY user_id) per_user) =
       (SELECT act::text FROM summary) AS same_text;

-- activity_union
SELECT user_count(activity_union(a, b)) AS users,
       activity_union(NULL, a)::text = a::text AS null_is_empty
FROM (SELECT activity_agg(user_id, occurred_at) FILTER (WHERE user_id <= 2) AS a,
             activity_agg(user_id, occurred_at) FILTER (WHERE user_id >= 2) AS b
        FROM events) s;

SELECT activity_union((SELECT activity_agg(1::bigint, date '2026-03-02')),
                      (SELECT activity_agg('u1'::text, date '2026-03-02')));
\echo :LAST_ERROR_SQLSTATE

-- activity_map
SELECT f.feature, f.users, f.active_users
FROM summary,
     features(activity_map(act, '{"reports": "analytics", "export": "analytics"}'), '2026-03-31') f;

SELECT activity_map(act, '{"export": "reports"}')::text =
       (SELECT activity_agg(user_id, occurred_at,
                            CASE WHEN feature = 'export' THEN 'reports' ELSE feature END)::text
          FROM events)                                              AS same_as_relabelled,
       user_count(activity_map(act, '{"alerts": null}'), 'alerts')  AS alert_users_left,
       user_count(activity_map(act, '{"reports": null, "alerts": null, "export": null}'))
                                                                    AS users_without_feature
FROM summary;

SELECT activity_map(act, '{"reports": 1}') FROM summary;
\echo :LAST_ERROR_SQLSTATE

-- activity_filter
SELECT user_count(activity_filter(act, '{alerts}'))            AS alert_users,
       user_count(activity_filter(act, ARRAY['export', NULL])) AS export_or_no_feature,
       activity_filter(act, '{nope}') IS NULL                  AS nothing_left
FROM summary;

-- activity_drop_users
SELECT user_count(activity_drop_users(act, ARRAY[1, 2]))           AS users_left,
       activity_drop_users(act, ARRAY[4])::text =
           (SELECT activity_agg(user_id, occurred_at, feature)::text
              FROM events WHERE user_id <> 4)                      AS as_if_never_seen,
       activity_drop_users(act, ARRAY[1, 2, 3, 4, 5, 6]) IS NULL   AS nobody_left
FROM summary;

SELECT activity_drop_users(act, ARRAY['1']) FROM summary;
\echo :LAST_ERROR_SQLSTATE

-- user_count
SELECT user_count(act)                            AS ever,
       user_count(act, as_of => '2026-03-31')     AS up_to_mar31,
       user_count(act, 'alerts')                  AS alerts,
       user_count(act, 'nope')                    AS nope
FROM summary;

-- active_users
SELECT active_users(act, '2026-03-31')                       AS d30,
       active_users(act, '2026-03-31', 7)                    AS d7,
       active_users(act, '2026-03-31', feature => 'reports') AS reports_d30
FROM summary;

-- stickiness
SELECT stickiness(act, '2026-03-31')     AS d30,
       stickiness(act, '2026-03-31', 7)  AS d7,
       stickiness(act, '2026-01-31', 1)  AS nobody_active
FROM summary;

-- adoption_rate
SELECT adoption_rate(act, 10, '2026-03-31') AS seats_10,
       adoption_rate(act, 3, '2026-03-31')  AS seats_3,
       adoption_rate(act, 0, '2026-03-31')  AS seats_0
FROM summary;

SELECT adoption_rate(act, -1, '2026-03-31') FROM summary;
\echo :LAST_ERROR_SQLSTATE

-- feature_adoption_rate
SELECT feature_adoption_rate(act, 'reports', '2026-03-31') AS reports,
       feature_adoption_rate(act, 'alerts', '2026-03-31')  AS alerts,
       feature_adoption_rate(act, 'nope', '2026-03-31')    AS nope,
       feature_adoption_rate(act, NULL, '2026-03-31')      AS null_feature
FROM summary;

-- features
SELECT f.* FROM summary, features(act, '2026-03-31', seats => 10) f;

-- depth
SELECT depth(act, '2026-03-31') AS d30 FROM summary;

-- first_day, last_day
SELECT first_day(act)            AS first_any,
       last_day(act)             AS last_any,
       first_day(act, 'alerts')  AS first_alerts,
       last_day(act, 'reports')  AS last_reports
FROM summary;

-- retention
SELECT r.* FROM summary, retention(act, as_of => '2026-03-31') r;

SELECT r.* FROM summary,
       retention(act, '{7,28}', width => NULL, as_of => '2026-03-31',
                 cohort_from => '2026-02-01') r;

SELECT r.* FROM summary,
       retention(act, '{1,7}', width => NULL, as_of => '2026-03-31',
                 feature => 'reports', start_feature => 'alerts') r;

SELECT r.* FROM summary, retention(act, '{7,-1}', as_of => '2026-03-31') r;
\echo :LAST_ERROR_SQLSTATE

-- retention_rate
SELECT retention_rate(act, 30, as_of => '2026-03-31')  AS d30_w30,
       retention_rate(act, 7, 1, '2026-03-31')         AS day7,
       retention_rate(act, 60, as_of => '2026-03-31')  AS d60_w30
FROM summary;

SELECT retention_rate(act, 1, NULL, '2026-03-31', 'reports', 'alerts') AS reports_after_alerts,
       retention_rate(act, 0, as_of => '2026-03-31', start_feature => 'nobody') AS unused_start
FROM summary;

-- feature_retention
SELECT r.* FROM summary,
       feature_retention(act, '{7,30}', width => NULL, as_of => '2026-03-31') r;

-- cohort_retention
SELECT r.* FROM summary, cohort_retention(act, 'month', 3, '2026-03-31') r;

SELECT r.* FROM summary,
       cohort_retention(act, 'month', 3, '2026-03-31', feature => 'reports',
                        start_feature => 'alerts') r;

SELECT r.* FROM summary, cohort_retention(act, 'month', 3, '2026-03-31', recurring => true) r;

SELECT r.* FROM summary, cohort_retention(act, 'quarter', 2, '2026-06-30') r;

-- lifecycle
SELECT l.* FROM summary, lifecycle(act, 'month', 3, '2026-03-31') l;

SELECT l.* FROM summary, lifecycle(act, 'week', 4, '2026-03-31', week_start => 'wednesday') l;

SELECT l.* FROM summary, lifecycle(act, 'year', as_of => '2026-03-31') l;
\echo :LAST_ERROR_SQLSTATE
SELECT l.* FROM summary, lifecycle(act, as_of => '2026-03-31', week_start => 'mon') l;
\echo :LAST_ERROR_SQLSTATE

-- time_to_feature
SELECT n, t.* FROM summary, generate_series(1, 4) n,
       time_to_feature(act, n, '2026-03-31') t;

-- time_to_first_use
SELECT t.* FROM summary, time_to_first_use(act, 'alerts', '2026-03-31') t;

SELECT t.* FROM summary,
       time_to_first_use(act, 'reports', '2026-03-31', start_feature => 'alerts') t;

-- funnel
SELECT f.* FROM summary,
       funnel(act, '{reports,alerts,export}', within => 90, as_of => '2026-04-30') f;

SELECT f.step, f.feature, f.eligible_users, f.reached_users, f.rate
FROM summary, funnel(act, '{reports,alerts}', within => 7, as_of => '2026-04-30',
                     cohort_from => '2026-01-01', cohort_to => '2026-01-31') f;
SELECT * FROM summary, funnel(act, '{reports,NULL}', as_of => '2026-04-30');
\echo :LAST_ERROR_SQLSTATE

-- usage_trend
SELECT usage_trend(act, '2026-03-31')                        AS d30,
       usage_trend(act, '2026-03-31', feature => 'reports')  AS reports_d30,
       usage_trend(act, '2026-03-31', 7)                     AS d7
FROM summary;

-- dormant_users
SELECT dormant_users(act, '2026-03-31')                       AS quiet_14,
       dormant_users(act, '2026-03-31', 30)                   AS quiet_30,
       dormant_users(act, '2026-03-31', feature => 'reports') AS reports_quiet_14
FROM summary;

-- abandonment_rate
SELECT abandonment_rate(act, 'reports', '2026-03-31')  AS reports,
       abandonment_rate(act, 'alerts', '2026-03-31')   AS alerts,
       abandonment_rate(act, NULL, '2026-03-31')       AS null_feature
FROM summary;

-- usage_report
SELECT r.* FROM summary, usage_report(act, '2026-03-31', '{7,30,90}', seats => 10) r;

SELECT active_users(act, '2026-03-31', 30)    AS active_users,
       stickiness(act, '2026-03-31', 30)      AS stickiness,
       depth(act, '2026-03-31', 30)           AS depth,
       champion_share(act, '2026-03-31', 30)  AS champion_share,
       usage_trend(act, '2026-03-31', 30)     AS usage_trend
FROM summary;

SELECT count(*) FROM summary, usage_report(act, '2026-03-31', '{7,0}');
\echo :LAST_ERROR_SQLSTATE

-- Recipe: the team as the actor
WITH t AS (SELECT activity_agg(u.department, e.occurred_at, e.feature) AS act
             FROM events e JOIN users u USING (user_id))
SELECT active_users(act, '2026-03-31')          AS active_teams,
       user_count(act, as_of => '2026-03-31')   AS teams
FROM t;

WITH t AS (SELECT activity_agg(u.department, e.occurred_at, e.feature) AS act
             FROM events e JOIN users u USING (user_id))
SELECT f.feature, f.users AS teams, f.active_users AS active_teams,
       f.adoption_rate AS share_of_active_teams
FROM t, features(t.act, '2026-03-31') f;

-- Recipe: the account as the actor (account funnels)
CREATE TABLE members (user_id bigint, account text);
INSERT INTO members VALUES
    (1, 'acme'), (6, 'acme'), (2, 'globex'), (3, 'globex'), (4, 'initech'), (5, 'initech');

SELECT f.step, f.feature, f.eligible_users AS accounts, f.reached_users AS reached, f.rate, f.median_days
FROM (SELECT activity_agg(m.account, e.occurred_at, e.feature) AS act
      FROM events e JOIN members m USING (user_id)) s,
     funnel(s.act, '{reports,alerts}', within => 30, as_of => '2026-04-30') f;

SELECT f.step, f.eligible_users, f.reached_users, f.rate
FROM summary, funnel(act, '{reports,alerts}', within => 30, as_of => '2026-04-30') f;

-- Recipe: per-day summaries, rolled up at query time
CREATE MATERIALIZED VIEW daily AS
SELECT occurred_at::date AS day, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY 1;
CREATE UNIQUE INDEX ON daily (day);

SELECT active_users(rollup(act), '2026-03-31') AS mau,
       stickiness(rollup(act), '2026-03-31')   AS dau_mau
FROM daily
WHERE day > date '2026-03-31' - 30 AND day <= '2026-03-31';

SELECT r.* FROM (SELECT rollup(act) AS act FROM daily WHERE day <= '2026-03-31') d,
       retention(d.act, as_of => '2026-03-31') r;

SELECT (SELECT rollup(act)::text FROM daily) = (SELECT act::text FROM summary) AS same_text;

-- Recipe: all-history summaries
CREATE TABLE history AS
SELECT activity_agg(user_id, occurred_at, feature) AS act FROM events
WHERE occurred_at < '2026-03-01';

UPDATE history SET act = activity_union(act, (SELECT rollup(act) FROM daily WHERE day >= '2026-02-01'));
UPDATE history SET act = activity_union(act, (SELECT rollup(act) FROM daily WHERE day >= '2026-02-01'));
SELECT act::text = (SELECT act::text FROM summary) AS same_as_all_events FROM history;

SELECT r.days, r.active_users, r.stickiness FROM history, usage_report(act, '2026-02-28', '{30}') r
UNION ALL
SELECT r.days, r.active_users, r.stickiness FROM history, usage_report(act, '2026-03-31', '{30}') r;

-- Recipe: product areas
CREATE TABLE product_areas (feature text PRIMARY KEY, area text);
INSERT INTO product_areas VALUES
    ('reports', 'analytics'), ('export', 'analytics'), ('alerts', 'notifications');

WITH areas AS (SELECT jsonb_object_agg(feature, area) AS mapping FROM product_areas)
SELECT f.feature AS area, f.users, f.active_users, f.adoption_rate
FROM summary, areas, features(activity_map(act, areas.mapping), '2026-03-31') f;

-- Recipe: erasing a person's data
CREATE TABLE daily_summary AS
SELECT occurred_at::date AS day, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY 1;

UPDATE daily_summary SET act = activity_drop_users(act, ARRAY[6]);
DELETE FROM daily_summary WHERE act IS NULL;

SELECT count(*) AS days, user_count(rollup(act)) AS users FROM daily_summary;

-- not part of the documentation: clean up
DROP TABLE history;
DROP MATERIALIZED VIEW daily;
DROP TABLE product_areas, daily_summary;
DROP TABLE summary, members, users, events;
RESET DateStyle;
RESET TimeZone;
