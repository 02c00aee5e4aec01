-- Media files of learners aged 13 or more (CREATE-4): a row per file says whose it is; the
-- bytes are in the object store under `object_key`, a random name. The rows go with their
-- account, and a trigger queues each deleted row's key, so that the bytes are erased from the
-- object store too, however the row went (deleted by its owner or erased with the account).
CREATE TABLE media (
    id TEXT PRIMARY KEY NOT NULL,
    owner_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    object_key TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX media_owner ON media(owner_id, created_at);

-- Object keys whose bytes are still to be erased from the object store; a key is forgotten
-- once its bytes are gone.
CREATE TABLE media_erasures (
    object_key TEXT PRIMARY KEY NOT NULL,
    queued_at BIGINT NOT NULL
);
CREATE INDEX media_erasures_queued ON media_erasures(queued_at);

CREATE FUNCTION media_queue_erasure() RETURNS trigger AS $$
BEGIN
    INSERT INTO media_erasures (object_key, queued_at)
    VALUES (OLD.object_key, (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT)
    ON CONFLICT DO NOTHING;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER media_queue_erasure AFTER DELETE ON media
FOR EACH ROW EXECUTE FUNCTION media_queue_erasure();
