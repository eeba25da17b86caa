create table files (
  id bigserial primary key,
  owner text not null,
  path text not null,
  size bigint not null,
  created_at timestamptz not null default now(),
  unique (owner, path)
);
