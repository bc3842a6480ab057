-- demo/model.sql: the reports' reference day (the generated data's last day)
-- and their account-health model (health_score, doc/reference.md): read by
-- demo/prepare.sql and by the report's test.
\set as_of '''2026-06-30'''
\set health_model '{"components": {"adoption_rate": {"weight": 3, "red": 0.2, "green": 0.6}, "dau_mau": {"weight": 2, "red": 0.05, "green": 0.25}, "trend": {"weight": 1, "red": -0.3, "green": 0.1}}, "grades": {"red": 40, "green": 70}}'
