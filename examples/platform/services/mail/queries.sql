-- The statements this version of mail runs: proven against every pending migration,
-- beside those pg_stat_statements has seen live. mail.send queues (app/store.js);
-- the sender reads the queue and marks what it sent.
insert into outbox (recipient, subject, body) values ($1, $2, $3) returning id;
select id, recipient, subject, body from outbox where sent_at is null order by id limit $1;
update outbox set sent_at = now() where id = $1;
