-- Inboxes on the service domain that their owner released (docs/api.md, inboxes). The mailbox's
-- data is deleted at release; the address stays here so that mail for it is refused with its own
-- reason and so that nobody else can claim it and receive mail meant for the previous owner.
CREATE TABLE released_inboxes (
  address TEXT PRIMARY KEY, -- lowercased
  released_at INTEGER NOT NULL -- unix ms
);
