-- Key transparency (docs/spec/transparency-v1.md §2.4): the hash of every complete subtree
-- (2^level leaves from index · 2^level), written when leaves are integrated into a checkpoint.
-- Hashes are a function of the leaves, so two integrators write identical rows (INSERT OR IGNORE).
CREATE TABLE transparency_nodes (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,                    -- 32 bytes, RFC 9162 §2.1.1
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TRIGGER transparency_nodes_no_update BEFORE UPDATE ON transparency_nodes
BEGIN SELECT RAISE(ABORT, 'transparency_nodes is append-only'); END;
CREATE TRIGGER transparency_nodes_no_delete BEFORE DELETE ON transparency_nodes
BEGIN SELECT RAISE(ABORT, 'transparency_nodes is append-only'); END;
