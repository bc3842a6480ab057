-- doc/portal.sql: a customer portal's views (a recipe to copy)
--
--   psql -v ON_ERROR_STOP=1 -d yourdb -f doc/refresh.sql
--   psql -v ON_ERROR_STOP=1 -d yourdb -f doc/portal.sql
--
-- Run as the owner of adoption_daily (doc/refresh.sql) who may create roles
-- (a superuser, or a role with CREATEROLE, which the file makes a member of
-- portal_owner).  It creates, in a schema `portal`, per-account dashboard views
-- that a database role of one customer may read, and shows only that
-- customer's account to it, whatever query it writes: joins, EXPLAIN,
-- functions of its own in WHERE (leaky ones included).
--
-- Roles
--   portal_owner     NOLOGIN; owns the schema and the views; may read the
--                    tables the views read.  Its members (staff) see every
--                    account through the views.
--   portal_customer  NOLOGIN; the group of every customer's role.  It may
--                    use the schema and read the views, nothing else.
--   one LOGIN role per customer, member of portal_customer, mapped to its
--                    account in portal.customer_accounts:
--
--       CREATE ROLE acme LOGIN PASSWORD '...' IN ROLE portal_customer;
--       INSERT INTO portal.customer_accounts VALUES ('acme', 42);
--
-- Why it is safe
--   1. The customers' roles have no privilege on any table: not
--      adoption_daily, accounts, users, events, nor the mapping.  They read
--      the views only; a view reads its tables with its owner's rights
--      (portal_owner), and is not `security_invoker` (an option of
--      PostgreSQL 15), precisely so that customers need no right on the
--      tables.
--   2. Every view keeps only the rows of the account mapped to current_user
--      (which a view does not change: it is the customer's role), or every
--      row for members of portal_owner.
--   3. Every view is a `security_barrier` view: the planner never evaluates
--      a condition of the customer's query below the view's own filter
--      unless the function is LEAKPROOF, so a function of the customer's
--      that prints its arguments (RAISE NOTICE), however cheap it claims to
--      be (COST 0.0000001), only ever sees rows the customer may see.  Only
--      a superuser can mark a function LEAKPROOF, a promise that it reveals
--      nothing about its arguments, not even through an error message; none
--      of this extension's functions is, and none should be marked so (an
--      error such as "days must be at least 1, not -3" repeats its
--      argument).  Built-in leakproof operators (= on bigint) may still be
--      pushed down: they reveal nothing.
--   4. Row-level security on adoption_daily as a second wall: a policy for
--      portal_owner (the role the views read the table as) applies the same
--      rule, so a view written later without the filter still shows a
--      customer nothing of another account.  The table's owner is exempt
--      from its own policies (the refresh, run by the owner, reads and
--      writes every row); FORCE ROW LEVEL SECURITY would subject the
--      owner too, and the refresh would then need policies of its own.
--      Hence the views are not owned by the table's owner: a view owned by
--      the table's owner reads the table as the owner, and so bypasses RLS
--      unless it is forced.  Enabling RLS denies every other role without a
--      policy (or BYPASSRLS), so a BI tool's role that reads adoption_daily
--      needs one, for example:
--          CREATE POLICY bi_reads ON adoption_daily FOR SELECT TO bi_reader USING (true);
--      pg_stats hides the statistics (most common values, histograms) of a
--      table with RLS from those to whom it applies; the customers cannot
--      read the table's statistics anyway (no SELECT on it).
--   5. What a customer can still learn: how long a query over its own rows
--      takes, and the planner's estimates in EXPLAIN (built from statistics
--      of the whole table); with EXPLAIN ANALYZE, the rows a node
--      discarded, i.e. how many rows the other accounts have in the range
--      it reads: the account filter is ORed with the staff's membership
--      test, so it is no index condition and the scan reads the other
--      accounts' rows before discarding them (where that matters, give the
--      staff views of their own and drop the OR).  The views expose no
--      `activity` value: a summary holds every user id and feature of its
--      group.
--
-- The report day of the views is portal.settings.as_of, NULL meaning the
-- last complete UTC day.


-- ---------------------------------------------------------------------------
-- Roles and schema
-- ---------------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal_owner') THEN
        CREATE ROLE portal_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal_customer') THEN
        CREATE ROLE portal_customer NOLOGIN;
    END IF;
    -- a CREATEROLE owner that is not a superuser becomes a member, to give
    -- the schema and the views to portal_owner
    IF NOT pg_has_role(current_user, 'portal_owner', 'MEMBER') THEN
        EXECUTE format('GRANT portal_owner TO %I', current_user);
    END IF;
END $$;

CREATE SCHEMA IF NOT EXISTS portal AUTHORIZATION portal_owner;
REVOKE ALL ON SCHEMA portal FROM PUBLIC;
GRANT USAGE ON SCHEMA portal TO portal_customer;

-- who is whom: a role per customer, its account (readable by portal_owner
-- only; a role name rather than its OID, so that pg_dump restores it)
CREATE TABLE IF NOT EXISTS portal.customer_accounts (
    role_name  name   PRIMARY KEY,
    account_id bigint NOT NULL
);
COMMENT ON TABLE portal.customer_accounts IS
    'the account each customer role of the portal may see';

CREATE TABLE IF NOT EXISTS portal.settings (
    one   boolean PRIMARY KEY DEFAULT true CHECK (one),
    as_of date                -- the report day; NULL: the last complete UTC day
);
INSERT INTO portal.settings DEFAULT VALUES ON CONFLICT DO NOTHING;
COMMENT ON TABLE portal.settings IS 'the report day of the portal views (NULL: yesterday, UTC)';

REVOKE ALL ON portal.customer_accounts, portal.settings FROM PUBLIC;
GRANT SELECT ON portal.customer_accounts, portal.settings TO portal_owner;
-- what the views read, as portal_owner
GRANT USAGE ON SCHEMA public TO portal_owner;
GRANT SELECT ON adoption_daily, accounts, users TO portal_owner;


-- ---------------------------------------------------------------------------
-- The second wall: row-level security on the summaries
-- ---------------------------------------------------------------------------
ALTER TABLE adoption_daily ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS portal_own_account ON adoption_daily;
CREATE POLICY portal_own_account ON adoption_daily FOR SELECT TO portal_owner
    USING (account_id = (SELECT c.account_id FROM portal.customer_accounts c
                         WHERE c.role_name = current_user)
           OR pg_has_role(current_user, 'portal_owner', 'USAGE'));


-- ---------------------------------------------------------------------------
-- The views (security_barrier, owned by portal_owner)
-- ---------------------------------------------------------------------------
-- the summaries the current role may see, rolled up per account up to the
-- report day; the filter every view starts from
CREATE OR REPLACE VIEW portal.visible_summaries WITH (security_barrier = true) AS
SELECT d.account_id, r.as_of, rollup(d.act) AS act
FROM adoption_daily d
CROSS JOIN (SELECT coalesce(s.as_of, (now() AT TIME ZONE 'UTC')::date - 1) AS as_of
            FROM portal.settings s) r
WHERE (d.account_id = (SELECT c.account_id FROM portal.customer_accounts c
                       WHERE c.role_name = current_user)
       OR pg_has_role(current_user, 'portal_owner', 'USAGE'))
  AND d.day <= r.as_of
GROUP BY d.account_id, r.as_of;
COMMENT ON VIEW portal.visible_summaries IS
    'internal: the summaries of the accounts the current role may see (not granted to customers)';

CREATE OR REPLACE VIEW portal.account_dashboard WITH (security_barrier = true) AS
SELECT s.account_id, s.as_of, a.seats,
       active_users(s.act, s.as_of)                AS active_users_30d,
       active_users(s.act, s.as_of, 7)             AS active_users_7d,
       user_count(s.act, as_of => s.as_of)         AS users_ever,
       adoption_rate(s.act, a.seats, s.as_of)      AS adoption_rate,
       stickiness(s.act, s.as_of)                  AS dau_mau,
       depth(s.act, s.as_of)                       AS features_per_user,
       usage_trend(s.act, s.as_of)                 AS usage_trend
FROM portal.visible_summaries s
LEFT JOIN accounts a USING (account_id);
COMMENT ON VIEW portal.account_dashboard IS
    'one row per visible account: active users, adoption rate, DAU/MAU, depth and trend as of the report day';

CREATE OR REPLACE VIEW portal.feature_usage WITH (security_barrier = true) AS
SELECT s.account_id, s.as_of, f.feature, f.users, f.active_users, f.adoption_rate,
       f.penetration, f.first_day, f.last_day
FROM portal.visible_summaries s
LEFT JOIN accounts a USING (account_id)
CROSS JOIN LATERAL features(s.act, s.as_of, 30, a.seats::bigint) f;
COMMENT ON VIEW portal.feature_usage IS
    'one row per visible account and feature: users, 30-day active users, adoption rate and penetration';

-- the roster: every user of the account, with their activity; never-used
-- seats have NULL days, and so do all the users of an account without any
-- event yet (no summary: the users are filtered here by the same rule, the
-- row-level security of adoption_daily does not reach them)
CREATE OR REPLACE VIEW portal.user_activity WITH (security_barrier = true) AS
SELECT u.account_id, r.as_of, u.user_id, u.department,
       ua.first_day, ua.last_day,
       coalesce(ua.active_days, 0) AS active_days_30d,
       coalesce(ua.features, 0)    AS features_30d
FROM users u
CROSS JOIN (SELECT coalesce(s.as_of, (now() AT TIME ZONE 'UTC')::date - 1) AS as_of
            FROM portal.settings s) r
LEFT JOIN portal.visible_summaries s USING (account_id)
LEFT JOIN LATERAL user_activity(s.act, r.as_of, 30) ua ON ua.user_id = u.user_id::text
WHERE u.account_id = (SELECT c.account_id FROM portal.customer_accounts c
                      WHERE c.role_name = current_user)
   OR pg_has_role(current_user, 'portal_owner', 'USAGE');
COMMENT ON VIEW portal.user_activity IS
    'the roster of each visible account, with each user''s first and last active day and 30-day activity';

CREATE OR REPLACE VIEW portal.daily_active WITH (security_barrier = true) AS
SELECT d.account_id, d.day, active_users(d.act, d.day, 1) AS active_users
FROM adoption_daily d
WHERE (d.account_id = (SELECT c.account_id FROM portal.customer_accounts c
                       WHERE c.role_name = current_user)
       OR pg_has_role(current_user, 'portal_owner', 'USAGE'))
  AND d.day <= (SELECT coalesce(s.as_of, (now() AT TIME ZONE 'UTC')::date - 1) FROM portal.settings s);
COMMENT ON VIEW portal.daily_active IS 'active users per day of each visible account';

ALTER VIEW portal.visible_summaries OWNER TO portal_owner;
ALTER VIEW portal.account_dashboard OWNER TO portal_owner;
ALTER VIEW portal.feature_usage OWNER TO portal_owner;
ALTER VIEW portal.user_activity OWNER TO portal_owner;
ALTER VIEW portal.daily_active OWNER TO portal_owner;

REVOKE ALL ON portal.visible_summaries, portal.account_dashboard, portal.feature_usage,
              portal.user_activity, portal.daily_active FROM PUBLIC;
GRANT SELECT ON portal.account_dashboard, portal.feature_usage, portal.user_activity,
                portal.daily_active TO portal_customer;
