create table sessions (
  id uuid primary key,
  user_id bigint not null references users(id),
  expires_at timestamptz not null
);
