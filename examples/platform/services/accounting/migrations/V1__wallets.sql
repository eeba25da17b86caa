create table wallets (
  id bigserial primary key,
  owner text not null,
  balance numeric(18, 2) not null default 0
);
