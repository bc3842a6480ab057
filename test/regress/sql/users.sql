--
-- users: user_activity on tiny, hand-checked inputs (the examples of the
-- reference documentation's section "Users", in its order, over its
-- example data), every id type, and its invalid arguments.
--
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';

-- reference.sql's example data, repeated so that this test stands alone
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

-- user_activity
SELECT u.* FROM summary, user_activity(act, '2026-03-31') u;

SELECT u.* FROM summary, user_activity(act, '2026-03-31', 7) u;

SELECT user_activity(act, '2026-03-31', 0) FROM summary;
\echo :LAST_ERROR_SQLSTATE

-- Recipe: the users who went quiet
SELECT u.user_id, u.last_day, date '2026-03-31' - u.last_day AS quiet_days
FROM summary, user_activity(act, '2026-03-31', 14) u
WHERE u.active_days = 0
ORDER BY u.last_day, u.user_id;

-- Recipe: seats never used
SELECT r.user_id, r.department
FROM users r
LEFT JOIN (SELECT u.user_id FROM summary, user_activity(act, '2026-03-31') u) a
       ON a.user_id = r.user_id::text
WHERE a.user_id IS NULL
ORDER BY r.user_id;

-- Recipe: adoption with the seats in force on each day
CREATE TABLE seat_history (seats integer NOT NULL, valid daterange NOT NULL);
INSERT INTO seat_history VALUES
    (4, daterange(NULL, '2026-03-01')),
    (10, daterange('2026-03-01', NULL));

SELECT m.month_end, h.seats,
       active_users(s.act, m.month_end)           AS active,
       adoption_rate(s.act, h.seats, m.month_end) AS adoption_rate
FROM summary s
CROSS JOIN (VALUES (date '2026-01-31'), ('2026-02-28'), ('2026-03-31')) m(month_end)
JOIN seat_history h ON h.valid @> m.month_end
ORDER BY m.month_end;

-- not part of the documentation: every id type, in the id type's order
SELECT 'integer' AS ids, u.*
FROM (SELECT activity_agg(CASE WHEN user_id % 2 = 0 THEN -user_id ELSE user_id END::integer,
                          occurred_at, feature) AS act FROM events) s,
     user_activity(act, '2026-03-31') u;
SELECT 'text' AS ids, u.*
FROM (SELECT activity_agg((ARRAY['é', 'Z', 'a'])[user_id % 3 + 1] || user_id, occurred_at, feature) AS act
        FROM events) s,
     user_activity(act, '2026-03-31') u;
SELECT 'uuid' AS ids, u.*
FROM (SELECT activity_agg(('00000000-0000-0000-0000-00000000000' || user_id)::uuid, occurred_at, feature) AS act
        FROM events) s,
     user_activity(act, '2026-03-31', 7) u;
-- before any activity: no rows; NULLs: no rows; as_of infinite: error
SELECT count(*) AS rows_before_any FROM summary, user_activity(act, '2026-01-04');
SELECT count(*) AS rows_null_summary FROM user_activity(NULL, '2026-03-31');
SELECT count(*) AS rows_null_as_of FROM summary, user_activity(act, NULL);
SELECT count(*) AS rows_null_days FROM summary, user_activity(act, '2026-03-31', NULL);
SELECT user_activity(act, 'infinity') FROM summary;
\echo :LAST_ERROR_SQLSTATE
SELECT user_activity(act, '2026-03-31', -1) FROM summary;
\echo :LAST_ERROR_SQLSTATE

DROP TABLE summary, users, events, seat_history;
RESET DateStyle;
RESET TimeZone;
