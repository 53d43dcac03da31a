// Hand-written mail layouts for the reader's attack tests: the spoofing shapes of "Johnny, you
// are fired" (USENIX Security 2019), EFAIL-style wrapping and the hostile inputs of the limits,
// built around real OpenPGP data made at test time.

import { armor, createMessage, encrypt, enums, type PublicKey, unarmor } from 'openpgp';
import { concatBytes, toBase64 } from '../../encoding.ts';
import { PGP_CONFIG } from '../../pgp/config.ts';
import { encryptMessage } from '../../pgp/encrypt.ts';

export const CRLF = '\r\n';

export function mail(headers: string[], contentType: string, body: string): string {
  return [
    ...headers,
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
    '',
    body.replace(/\r?\n/g, CRLF),
  ].join(CRLF);
}

/** A multipart body: each part is `[headers..., '', body]` joined. */
export function multipart(boundary: string, parts: string[]): string {
  return `${parts.map((p) => `--${boundary}${CRLF}${p.replace(/\r?\n/g, CRLF)}${CRLF}`).join('')}--${boundary}--${CRLF}`;
}

export function part(contentType: string, body: string, extra: string[] = []): string {
  return [`Content-Type: ${contentType}`, ...extra, '', body].join(CRLF);
}

/** RFC 3156 §4 around an armored OpenPGP message. */
export function pgpMime(headers: string[], armored: string, boundary = 'enc'): string {
  return mail(
    headers,
    `multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${boundary}"`,
    multipart(boundary, [
      part('application/pgp-encrypted', 'Version: 1'),
      part('application/octet-stream; name="encrypted.asc"', armored.trim()),
    ]),
  );
}

/** A "PGP MESSAGE" that holds only a literal data packet: no encryption, no key needed. */
export async function literalOnly(text: string): Promise<string> {
  const message = await createMessage({ binary: new TextEncoder().encode(text) });
  return armor(enums.armor.message, message.write() as Uint8Array);
}

/** The message with its first PKESK packet repeated `copies` times (RFC 9580 §5.1). */
export async function repeatedPkesk(armored: string, copies: number): Promise<Uint8Array> {
  const packets = (await unarmor(armored)).data as Uint8Array;
  const one = firstPacketBytes(packets);
  const rest = packets.subarray(one.length);
  const out = new Uint8Array(one.length * copies + rest.length);
  for (let i = 0; i < copies; i++) out.set(one, i * one.length);
  out.set(rest, one.length * copies);
  return out;
}

/** The bytes of the first packet (RFC 9580 §4.2, new or old format headers). */
function firstPacketBytes(packets: Uint8Array): Uint8Array {
  const tag = packets[0]!;
  let header: number;
  let length: number;
  if (tag & 0x40) {
    const o = packets[1]!;
    if (o < 192) [header, length] = [2, o];
    else if (o < 224) [header, length] = [3, ((o - 192) << 8) + packets[2]! + 192];
    else [header, length] = [6, new DataView(packets.buffer, packets.byteOffset + 2, 4).getUint32(0)];
  } else {
    const type = tag & 3;
    if (type === 0) [header, length] = [2, packets[1]!];
    else if (type === 1) [header, length] = [3, (packets[1]! << 8) | packets[2]!];
    else [header, length] = [5, new DataView(packets.buffer, packets.byteOffset + 1, 4).getUint32(0)];
  }
  return packets.subarray(0, header + length);
}

export const HEAD = ['From: Alice <alice@example.org>', 'To: bob@example.net', 'Subject: test'];

const MiB = 1024 * 1024;

/**
 * A PGP/MIME mail of about 25 MB: a text part and a 13 MiB random attachment (base64), encrypted
 * to `recipient`. Returns the mail and the OpenPGP message inside it (what gpg is given).
 */
export async function bigMail(recipient: PublicKey): Promise<{ eml: string; armored: string }> {
  const attachment = new Uint8Array(13 * MiB);
  for (let i = 0; i < attachment.length; i += 65536)
    crypto.getRandomValues(attachment.subarray(i, i + 65536));
  let b64 = '';
  for (let i = 0; i < attachment.length; i += 57 * 1024)
    b64 += toBase64(attachment.subarray(i, i + 57 * 1024));
  const inner = mail(
    [],
    'multipart/mixed; boundary=in',
    multipart('in', [
      part('text/plain; charset=utf-8', 'The file is attached.'),
      part('application/octet-stream; name="big.bin"', b64.replace(/.{76}/g, `$&${CRLF}`), [
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename="big.bin"',
      ]),
    ]),
  );
  const armored = await encryptMessage(inner, { recipients: [recipient] });
  return { eml: pgpMime(HEAD, armored), armored };
}

/** An encrypted message whose zlib-compressed plaintext is a MIME text part of `bytes` bytes. */
export async function compressionBomb(recipient: PublicKey, bytes: number): Promise<Uint8Array> {
  let sent = 0;
  const line = new TextEncoder().encode(`${'A'.repeat(76)}\r\n`);
  const body = new ReadableStream<Uint8Array>({
    start: (c) => c.enqueue(new TextEncoder().encode('Content-Type: text/plain\r\n\r\n')),
    pull(c) {
      if (sent >= bytes) return c.close();
      const chunk = new Uint8Array(line.length * 8192);
      for (let i = 0; i < 8192; i++) chunk.set(line, i * line.length);
      sent += chunk.length;
      c.enqueue(chunk);
    },
  });
  const out = (await encrypt({
    message: await createMessage({ binary: body }),
    encryptionKeys: recipient,
    format: 'binary',
    config: { ...PGP_CONFIG, preferredCompressionAlgorithm: enums.compression.zlib },
  } as never)) as ReadableStream<Uint8Array>;
  const chunks: Uint8Array[] = [];
  for await (const c of out as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
  return concatBytes(...chunks);
}
