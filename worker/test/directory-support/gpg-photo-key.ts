// A key made by gpg 2.2.40 (Debian) for the stripping test: ed25519 primary + cv25519 subkey;
// user IDs "Photo Owner <photo@noise.localhost>" and "Unproven <unproven@example.org>", a JPEG
// photo ID (user attribute packet), and a third-party certification by "Certifier" on every
// user ID. Made with: --quick-gen-key, --quick-add-key, --quick-add-uid, --edit-key addphoto,
// --quick-sign-key, then --armor --export. Public material only.

export const GPG_PHOTO_KEY_ADDRESS = 'photo@noise.localhost';
export const GPG_PHOTO_KEY_FINGERPRINT = '540DD2227CD7FE9CB979A4BBCF62052F6B5ECF77';

export const GPG_PHOTO_KEY = `-----BEGIN PGP PUBLIC KEY BLOCK-----

mDMEawQovBYJKwYBBAHaRw8BAQdA3W3jKB6W4RdeZfVphk5ixJ93lZlPnWpLq3iQ
Dhg8UXO0H1VucHJvdmVuIDx1bnByb3ZlbkBleGFtcGxlLm9yZz6IkAQTFggAOBYh
BFQN0iJ81/6cuXmku89iBS9rXs93BQJrBCjBAhsDBQsJCAcCBhUKCQgLAgQWAgMB
Ah4BAheAAAoJEM9iBS9rXs93M44A/3PrgK3uiCpKNFRSifkicY2tG+uUq2147VmW
/+pGrTxYAP9NqWR3BRGT7eGy4oiYalW2urqyGU/jFKiAG2qHCWGHC4h1BBAWCAAd
FiEEk/OVs/nNFVX6YN8ptW8CKXZ4RxsFAmsEKMUACgkQtW8CKXZ4RxvbmwEApmZV
AqXblv53vL48LzDifELlUOZ/L+IDFIP0Zoa7AIABAI6XY/A0M0jTnDGn3j8tQwvY
aOMKny7JrfdsEuRCpj4AtCNQaG90byBPd25lciA8cGhvdG9Abm9pc2UubG9jYWxo
b3N0PoiQBBMWCAA4FiEEVA3SInzX/py5eaS7z2IFL2tez3cFAmsEKLwCGwMFCwkI
BwIGFQoJCAsCBBYCAwECHgECF4AACgkQz2IFL2tez3cwcgEA0GwrG7lf4wiLotis
CM/Dnuw/eVbatj+I22I0P/1sgW0BAK4S0iw1UJdgdqMATnbSYa+DhuZuXdj3f3+K
o9c/hVIEiHUEEBYIAB0WIQST85Wz+c0VVfpg3ym1bwIpdnhHGwUCawQoxwAKCRC1
bwIpdnhHG+CGAP9abmv56odYDk96nTvFtCclLipHavPNPz8WmHQssjEz+QEAtzxN
+/EhFC4tyj2wTYGN0updVzZHsPAdwttu6XRVOgDRKCcBEAABAQAAAAAAAAAAAAAA
AP/Y/+AAEEpGSUYAAQEAAAEAAQAA/9mIkAQTFggAOBYhBFQN0iJ81/6cuXmku89i
BS9rXs93BQJrBCjCAhsDBQsJCAcCBhUKCQgLAgQWAgMBAh4BAheAAAoJEM9iBS9r
Xs93+X8BAJLFBfK6d2OneO4vPktakHLijxMwgcz4b5afKEF8edyTAP47H0rL8Mtv
awZ8RLKw8fMQFCZef8PUgL6uQmUHGQ7nCIh1BBAWCAAdFiEEk/OVs/nNFVX6YN8p
tW8CKXZ4RxsFAmsEKMgACgkQtW8CKXZ4Rxun2wEA2D1P8TdJqplLhE9CH1Uiu1tY
V5NMFiotNGsBcwnUkCsA/2Yg0f6u/vpey3tR7/pVRardweLx2GwdcQJsLjZHNhUC
uDgEawQowBIKKwYBBAGXVQEFAQEHQMp9EM+oahDuGE9yJk6f9vxH3xnk7saXc6hZ
h6cgK9Z4AwEIB4h4BBgWCAAgFiEEVA3SInzX/py5eaS7z2IFL2tez3cFAmsEKMAC
GwwACgkQz2IFL2tez3dhvQD/exaSmuFVRZ+uvZxa5nVFwTWdTtZ9PAX7MdLeoWyq
6tQA/27W4w6/nO1/qvbNxHKjfl+Pu2YE7+br+4/AYMNLcgcL
=h1vB
-----END PGP PUBLIC KEY BLOCK-----
`;
