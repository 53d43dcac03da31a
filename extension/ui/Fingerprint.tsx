// A fingerprint in groups of four hex digits, as gpg prints them, so people can compare them
// aloud; a line may break between groups, never inside one (page.css .fingerprint).

export function fingerprintGroups(value: string): string[] {
  return value.match(/.{1,4}/g) ?? [];
}

export function Fingerprint(props: { value: string; label: string; testId: string }) {
  return (
    <div class="fingerprint">
      <span class="fp-label">{props.label}</span>
      <code data-testid={props.testId} data-value={props.value}>
        {fingerprintGroups(props.value).map((g, i) => (
          // The spaces stay in the text, so copying gives "ABCD EF01 …" as gpg shows it.
          <>
            {i > 0 && ' '}
            <span class="group">{g}</span>
          </>
        ))}
      </code>
    </div>
  );
}
