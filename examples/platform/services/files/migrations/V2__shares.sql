create table shares (
  id bigserial primary key,
  file_id bigint not null references files(id),
  shared_with text not null,
  expires_at timestamptz
);
create index shares_shared_with on shares (shared_with);
