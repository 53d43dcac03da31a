// R2 keys of sealed bodies: one object per message version, under the mailbox's own prefix so a
// released mailbox is deleted by listing that prefix. Keys hold no address and no Message-ID.

/** Prefix of every body of one mailbox: the Durable Object id (a random-looking hex string). */
export function mailboxPrefix(mailboxId: string): string {
  return `mbx/${mailboxId}/`;
}

export function bodyObjectKey(mailboxId: string, messageId: string, version: number): string {
  return `${mailboxPrefix(mailboxId)}${messageId}/${version}`;
}

/** Deletes every body under a prefix, a page (≤ 1000 keys) at a time. */
export async function deletePrefix(bucket: R2Bucket, prefix: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await bucket.list({ prefix, limit: 1000 });
    if (page.objects.length === 0) return deleted;
    await bucket.delete(page.objects.map((o) => o.key));
    deleted += page.objects.length;
    if (!page.truncated) return deleted;
  }
}
