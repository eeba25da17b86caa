create table transactions (
  id bigserial primary key,
  wallet_id bigint not null references wallets(id),
  amount numeric(18, 2) not null,
  created_at timestamptz not null default now()
);
