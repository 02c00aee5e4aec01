-- The bytes of programs and answers each account's attempts hold, kept in the transaction that
-- records them, so that the storage budget is checked by reading one row, not every attempt.
CREATE TABLE storage_use (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    bytes BIGINT NOT NULL
);

INSERT INTO storage_use (account_id, bytes)
SELECT a.account_id,
       SUM(COALESCE(octet_length(p.body), 0) + COALESCE(octet_length(a.answer), 0))
FROM attempts a LEFT JOIN programs p ON p.hash = a.program_hash
GROUP BY a.account_id;
