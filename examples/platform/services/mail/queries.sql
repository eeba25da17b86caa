-- The statements this version of mail runs: proven against every pending migration,
-- beside those pg_stat_statements has seen live.
select id, recipient, subject, body from outbox where sent_at is null order by id limit $1;
update outbox set sent_at = now() where id = $1;
