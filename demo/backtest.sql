-- demo/backtest.sql: the backtest of the demo's health model
-- (doc/backtest.sql): its AUC, the AUC of the model refitted on the older
-- weeks and scored on the held-out newer ones, the churn rate per grade
-- and the median lead time from the first red grade to the churn.
\ir model.sql
\set model :health_model
\ir ../doc/backtest.sql
