create table outbox (
  id bigserial primary key,
  recipient text not null,
  subject text not null,
  body text not null,
  sent_at timestamptz
);
