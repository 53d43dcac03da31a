-- Key transparency (docs/spec/transparency-v1.md §4): the log's leaves, append-only. A leaf is
-- written in the same batch as the directory change it records; its index is the next one.
CREATE TABLE transparency_leaves (
  idx INTEGER PRIMARY KEY,               -- leaf index from 0
  leaf BLOB NOT NULL,                    -- 106 bytes (§4.2)
  label BLOB NOT NULL                    -- bytes 10–42 of the leaf: the address's VRF label
);
CREATE INDEX transparency_leaves_label ON transparency_leaves(label, idx);
CREATE TRIGGER transparency_leaves_no_update BEFORE UPDATE ON transparency_leaves
BEGIN SELECT RAISE(ABORT, 'transparency_leaves is append-only'); END;
CREATE TRIGGER transparency_leaves_no_delete BEFORE DELETE ON transparency_leaves
BEGIN SELECT RAISE(ABORT, 'transparency_leaves is append-only'); END;
