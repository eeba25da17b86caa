create table users (
  id bigserial primary key,
  username text not null unique,
  email text not null,
  created_at timestamptz not null default now()
);
