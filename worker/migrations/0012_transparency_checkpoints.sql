-- Key transparency (docs/spec/transparency-v1.md §5–6): signed checkpoints, witness
-- cosignatures of them, and the size each witness last cosigned (its add-checkpoint "old").
CREATE TABLE transparency_checkpoints (
  size INTEGER PRIMARY KEY,
  root BLOB NOT NULL,
  note TEXT NOT NULL,                    -- the signed note as signed by the log key
  signed_at INTEGER NOT NULL             -- unix ms
);
CREATE TRIGGER transparency_checkpoints_no_update BEFORE UPDATE ON transparency_checkpoints
BEGIN SELECT RAISE(ABORT, 'transparency_checkpoints is append-only'); END;
CREATE TRIGGER transparency_checkpoints_no_delete BEFORE DELETE ON transparency_checkpoints
BEGIN SELECT RAISE(ABORT, 'transparency_checkpoints is append-only'); END;

CREATE TABLE transparency_cosignatures (
  size INTEGER NOT NULL REFERENCES transparency_checkpoints(size),
  witness TEXT NOT NULL,                 -- the witness's verifier key
  line TEXT NOT NULL,                    -- its signature line(s), as returned
  PRIMARY KEY (size, witness)
);

CREATE TABLE transparency_witness_state (
  witness TEXT PRIMARY KEY,              -- the witness's verifier key
  size INTEGER NOT NULL                  -- the size it last cosigned
);
