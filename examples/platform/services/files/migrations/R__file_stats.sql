create or replace view file_stats as
  select owner, count(*) as file_count, sum(size) as total_size from files group by owner;
