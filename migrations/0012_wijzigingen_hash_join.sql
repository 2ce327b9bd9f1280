-- Issue 15: the change feed's UPDATE triggers (migration 0009) pair each changed row's old and new version by
-- joining the statement's transition tables. PL/pgSQL plans that join once per connection and keeps the plan
-- (it has no parameters); planned for the first statement's few rows it was a nested loop, so a re-norming of
-- 500 results compared 500 × 500 pairs: 31 of the 47 ms PostgreSQL spent writing such a delivery
-- (bench/explain.ts with BENCH_EXPLAIN_C=1). Without nested loops the join is a hash join whatever the
-- number of rows, linear in them.
ALTER FUNCTION wijzigingen_toetsresultaten() SET enable_nestloop = off;
ALTER FUNCTION wijzigingen_resultaat_revisies() SET enable_nestloop = off;
ALTER FUNCTION wijzigingen_foutmeldingen() SET enable_nestloop = off;
