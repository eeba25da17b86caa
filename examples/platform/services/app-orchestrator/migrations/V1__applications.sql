create table applications (
  id bigserial primary key,
  owner text not null,
  application text not null,
  state text not null default 'queued',
  started_at timestamptz
);
